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
 * @param authentication the providers a CONNECT is checked against, in order; empty means the short form:
 *                       {@code users} then {@code password_file} (see {@link #providers()})
 * @param enhancedAuth   MQTT 5 enhanced authentication methods offered (AUTH packets); today the built-in
 *                       {@value #SCRAM_SHA_256} against the user database, which needs a {@code builtin} provider
 * @param login          {@code login:} failed-login throttling and the password-check queue ({@link LoginConfig})
 */
public record SecurityConfig(UserSource users, String passwordFile, String aclFile, DefaultPolicy defaultPolicy,
                             Duration reloadInterval, List<AuthenticationConfig> authentication, List<String> enhancedAuth,
                             LoginConfig login) {

    /** The enhanced authentication method built in: SCRAM-SHA-256 over the user database. */
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";

    /** Shortest reload interval accepted (other than 0, which turns reloading off). */
    static final Duration MIN_RELOAD_INTERVAL = Duration.ofMillis(100);

    /** Built-in users, no password file, no ACL, deny by default, reload every 5 s. */
    public static final SecurityConfig DEFAULTS = new SecurityConfig(UserSource.BUILTIN, "", "", DefaultPolicy.DENY,
            Duration.ofSeconds(5), List.of(), List.of(), LoginConfig.DEFAULTS);

    /** With the default {@code login} subsection. */
    public SecurityConfig(UserSource users, String passwordFile, String aclFile, DefaultPolicy defaultPolicy, Duration reloadInterval,
                          List<AuthenticationConfig> authentication, List<String> enhancedAuth) {
        this(users, passwordFile, aclFile, defaultPolicy, reloadInterval, authentication, enhancedAuth, LoginConfig.DEFAULTS);
    }

    /** The short form, without an {@code authentication} list or enhanced authentication. */
    public SecurityConfig(UserSource users, String passwordFile, String aclFile, DefaultPolicy defaultPolicy, Duration reloadInterval) {
        this(users, passwordFile, aclFile, defaultPolicy, reloadInterval, List.of(), List.of());
    }

    /** With an {@code authentication} list, without enhanced authentication. */
    public SecurityConfig(UserSource users, String passwordFile, String aclFile, DefaultPolicy defaultPolicy, Duration reloadInterval,
                          List<AuthenticationConfig> authentication) {
        this(users, passwordFile, aclFile, defaultPolicy, reloadInterval, authentication, List.of());
    }

    public SecurityConfig {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(passwordFile, "passwordFile");
        Objects.requireNonNull(aclFile, "aclFile");
        Objects.requireNonNull(defaultPolicy, "defaultPolicy");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        Objects.requireNonNull(login, "login");
        authentication = List.copyOf(authentication);
        if (!authentication.isEmpty() && (users != UserSource.BUILTIN || !passwordFile.isEmpty())) {
            throw new IllegalArgumentException("authentication lists the providers in order, so users and password_file must be"
                    + " left out: write {type: builtin} and {type: password_file, file: ...} in the list instead");
        }
        if (!reloadInterval.isZero() && reloadInterval.compareTo(MIN_RELOAD_INTERVAL) < 0) {
            throw new IllegalArgumentException("reload_interval must be 0s (off) or at least 100ms, was "
                    + DurationFormat.format(reloadInterval));
        }
        enhancedAuth = List.copyOf(enhancedAuth);
        for (String method : enhancedAuth) {
            if (!SCRAM_SHA_256.equals(method)) {
                throw new IllegalArgumentException("enhanced_auth: unknown method '" + method + "'; the built-in one is " + SCRAM_SHA_256);
            }
            boolean builtinUsers = authentication.isEmpty() ? users == UserSource.BUILTIN
                    : authentication.stream().anyMatch(AuthenticationConfig.Builtin.class::isInstance);
            if (!builtinUsers) {
                throw new IllegalArgumentException("enhanced_auth: " + method + " checks the built-in user database, so it needs"
                        + " users: builtin (or {type: builtin} in the authentication list)");
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
                                   @JsonProperty("authentication") List<AuthenticationConfig> authentication,
                                   @JsonProperty("enhanced_auth") List<String> enhancedAuth,
                                   @JsonProperty("login") LoginConfig login) {
        SecurityConfig d = DEFAULTS;
        return new SecurityConfig(
                users != null ? users : d.users,
                passwordFile != null ? passwordFile.strip() : d.passwordFile,
                aclFile != null ? aclFile.strip() : d.aclFile,
                defaultPolicy != null ? defaultPolicy : d.defaultPolicy,
                reloadInterval != null ? reloadInterval : d.reloadInterval,
                authentication != null ? authentication : d.authentication,
                enhancedAuth != null ? enhancedAuth : d.enhancedAuth,
                login != null ? login : d.login);
    }

    /** Whether the built-in SCRAM-SHA-256 is offered. */
    public boolean offersScram() {
        return enhancedAuth.contains(SCRAM_SHA_256);
    }

    /**
     * The authentication providers in the order they are asked: the {@code authentication} list if given,
     * else the short form ({@code users: builtin} first, then {@code password_file}).
     */
    public List<AuthenticationConfig> providers() {
        if (!authentication.isEmpty()) {
            return authentication;
        }
        List<AuthenticationConfig> shortForm = new java.util.ArrayList<>();
        if (users == UserSource.BUILTIN) {
            shortForm.add(new AuthenticationConfig.Builtin());
        }
        if (!passwordFile.isEmpty()) {
            shortForm.add(new AuthenticationConfig.PasswordFile(passwordFile));
        }
        return List.copyOf(shortForm);
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
                reloadInterval, authentication.stream().map(a -> a.resolvedAgainst(directory)).toList(), enhancedAuth, login);
    }

    /** {@code file} resolved against {@code directory} unless empty (none) or absolute; shared by all config files. */
    static String resolve(Path directory, String file) {
        if (file.isEmpty() || Path.of(file).isAbsolute()) {
            return file;
        }
        return directory.resolve(file).normalize().toString();
    }

    public SecurityConfig withAclFile(String newAclFile) {
        return new SecurityConfig(users, passwordFile, newAclFile, defaultPolicy, reloadInterval, authentication, enhancedAuth, login);
    }

    public SecurityConfig withUsers(UserSource newUsers) {
        return new SecurityConfig(newUsers, passwordFile, aclFile, defaultPolicy, reloadInterval, authentication, enhancedAuth, login);
    }
}
