package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code security:} section: who may connect (the built-in user database and/or a mosquitto password
 * file) and what they may do (a mosquitto-style ACL file). File names are kept as written, {@code ""} meaning
 * none, so the section round-trips through {@link EnvironmentOverrides}; {@link ConfigLoader#load} resolves
 * relative names against the config file's directory, so {@code acl_file: acl.conf} means the file next to
 * the config wherever {@code magpie} is started from.
 *
 * @param users          where user accounts come from besides the password file
 * @param passwordFile   a mosquitto password file checked after the built-in users; {@code ""} for none
 * @param aclFile        a mosquitto-style ACL file; {@code ""} for none (then every action is allowed)
 * @param defaultPolicy  what the ACL answers when no rule applies
 * @param reloadInterval how often the ACL file, the password file and the user database are checked for
 *                       changes; {@code 0s} turns reloading off
 * @param enhancedAuth   MQTT 5 enhanced authentication methods offered (AUTH packets); today the built-in
 *                       {@value #SCRAM_SHA_256} against the user database, which needs {@code users: builtin}
 */
public record SecurityConfig(UserSource users, String passwordFile, String aclFile, DefaultPolicy defaultPolicy,
                             Duration reloadInterval, List<String> enhancedAuth) {

    /** The enhanced authentication method built in: SCRAM-SHA-256 over the user database. */
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";

    /** Shortest reload interval accepted (other than 0, which turns reloading off). */
    static final Duration MIN_RELOAD_INTERVAL = Duration.ofMillis(100);

    /** Built-in users, no password file, no ACL, deny by default, reload every 5 s. */
    public static final SecurityConfig DEFAULTS = new SecurityConfig(UserSource.BUILTIN, "", "", DefaultPolicy.DENY,
            Duration.ofSeconds(5), List.of());

    /** Without enhanced authentication. */
    public SecurityConfig(UserSource users, String passwordFile, String aclFile, DefaultPolicy defaultPolicy, Duration reloadInterval) {
        this(users, passwordFile, aclFile, defaultPolicy, reloadInterval, List.of());
    }

    public SecurityConfig {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(passwordFile, "passwordFile");
        Objects.requireNonNull(aclFile, "aclFile");
        Objects.requireNonNull(defaultPolicy, "defaultPolicy");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        if (!reloadInterval.isZero() && reloadInterval.compareTo(MIN_RELOAD_INTERVAL) < 0) {
            throw new IllegalArgumentException("reload_interval must be 0s (off) or at least 100ms, was "
                    + DurationFormat.format(reloadInterval));
        }
        enhancedAuth = List.copyOf(enhancedAuth);
        for (String method : enhancedAuth) {
            if (!SCRAM_SHA_256.equals(method)) {
                throw new IllegalArgumentException("enhanced_auth: unknown method '" + method + "'; the built-in one is " + SCRAM_SHA_256);
            }
            if (users != UserSource.BUILTIN) {
                throw new IllegalArgumentException("enhanced_auth: " + method + " checks the built-in user database, so it needs users: builtin");
            }
        }
        if (new HashSet<>(enhancedAuth).size() != enhancedAuth.size()) {
            throw new IllegalArgumentException("enhanced_auth lists a method twice: " + enhancedAuth);
        }
    }

    @JsonCreator
    static SecurityConfig fromYaml(@JsonProperty("users") UserSource users,
                                   @JsonProperty("password_file") String passwordFile,
                                   @JsonProperty("acl_file") String aclFile,
                                   @JsonProperty("default_policy") DefaultPolicy defaultPolicy,
                                   @JsonProperty("reload_interval") Duration reloadInterval,
                                   @JsonProperty("enhanced_auth") List<String> enhancedAuth) {
        SecurityConfig d = DEFAULTS;
        return new SecurityConfig(
                users != null ? users : d.users,
                passwordFile != null ? passwordFile.strip() : d.passwordFile,
                aclFile != null ? aclFile.strip() : d.aclFile,
                defaultPolicy != null ? defaultPolicy : d.defaultPolicy,
                reloadInterval != null ? reloadInterval : d.reloadInterval,
                enhancedAuth != null ? enhancedAuth : d.enhancedAuth);
    }

    /** Whether the built-in SCRAM-SHA-256 is offered. */
    public boolean offersScram() {
        return enhancedAuth.contains(SCRAM_SHA_256);
    }

    /** The password file, if one is configured. */
    public Optional<Path> passwordFilePath() {
        return passwordFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(passwordFile));
    }

    /** The ACL file, if one is configured. */
    public Optional<Path> aclFilePath() {
        return aclFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(aclFile));
    }

    /** This section with relative file names resolved against {@code directory} (the config file's). */
    public SecurityConfig resolvedAgainst(Path directory) {
        return new SecurityConfig(users, resolve(directory, passwordFile), resolve(directory, aclFile), defaultPolicy,
                reloadInterval, enhancedAuth);
    }

    /** {@code file} resolved against {@code directory} unless empty (none) or absolute; shared by all config files. */
    static String resolve(Path directory, String file) {
        if (file.isEmpty() || Path.of(file).isAbsolute()) {
            return file;
        }
        return directory.resolve(file).normalize().toString();
    }

    public SecurityConfig withAclFile(String newAclFile) {
        return new SecurityConfig(users, passwordFile, newAclFile, defaultPolicy, reloadInterval, enhancedAuth);
    }

    public SecurityConfig withUsers(UserSource newUsers) {
        return new SecurityConfig(newUsers, passwordFile, aclFile, defaultPolicy, reloadInterval, enhancedAuth);
    }
}
