package dev.magpie.server.security;

import dev.magpie.Broker;
import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.security.mosquitto.PasswordFileAuthenticator;
import dev.magpie.server.config.MagpieConfig;
import dev.magpie.server.config.SecurityConfig;
import dev.magpie.server.config.UserSource;
import dev.magpie.spi.Decision;
import dev.magpie.store.UserStore;
import dev.magpie.store.UserStoreAuthenticator;
import dev.magpie.store.UserStoreScramAuthenticator;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What the {@code security:} section means for a running broker, and the resources behind it:
 * <ul>
 *   <li>{@code users: builtin} → a {@link UserStoreAuthenticator} over {@code <data_dir>/magpie.db}, asked
 *       first; it reads the database on every CONNECT, so {@code magpie user} changes need no reload;</li>
 *   <li>{@code enhanced_auth: [SCRAM-SHA-256]} → a {@link UserStoreScramAuthenticator} over the same database,
 *       for MQTT 5 clients that log in with the Authentication Method SCRAM-SHA-256;</li>
 *   <li>{@code password_file} → a {@link PasswordFileAuthenticator} asked next, inside a
 *       {@link SwappableAuthenticator} the reloader refreshes;</li>
 *   <li>{@code acl_file} → an {@link AclAuthorizer} with {@code default_policy}, inside a
 *       {@link SwappableAuthorizer} the reloader refreshes; without an ACL file no authorizer is added, and
 *       every action is allowed.</li>
 * </ul>
 * A client the authenticators do not know is then admitted only if it sent no user name and its listener
 * allows anonymous clients (the broker's chain rules).
 *
 * <p>{@link #open} fails with a {@code ConfigException} (exit status 2) for a missing or malformed file,
 * naming {@code file:line}, and with a {@code UserStoreException} when the database cannot be opened.
 * {@link #close()} stops reloading and closes the database; call it after the broker has stopped.
 */
public final class ServerSecurity implements AutoCloseable {
    private final UserStore users;
    private final SwappableAuthenticator passwords;
    private final SwappableAuthorizer acl;
    private final SecurityReloader reloader = new SecurityReloader();
    private final SecurityConfig config;

    private ServerSecurity(SecurityConfig config, UserStore users, SwappableAuthenticator passwords, SwappableAuthorizer acl) {
        this.config = config;
        this.users = users;
        this.passwords = passwords;
        this.acl = acl;
    }

    /** Opens the user database and loads the files {@code config} names; nothing runs until {@link #startReloading()}. */
    public static ServerSecurity open(MagpieConfig config) {
        SecurityConfig security = config.security();
        Decision fallback = security.defaultPolicy().decision();
        SwappableAuthenticator passwords = null;
        byte[] passwordBytes = null;
        if (security.passwordFilePath().isPresent()) {
            Path file = security.passwordFilePath().get();
            passwordBytes = SecurityFiles.read("password_file", file);
            passwords = new SwappableAuthenticator(SecurityFiles.parsePasswords(file, passwordBytes));
        }
        SwappableAuthorizer acl = null;
        byte[] aclBytes = null;
        if (security.aclFilePath().isPresent()) {
            Path file = security.aclFilePath().get();
            aclBytes = SecurityFiles.read("acl_file", file);
            acl = new SwappableAuthorizer(SecurityFiles.parseAcl(file, aclBytes, fallback));
        }
        // the database last: a file error must not leave it open
        UserStore users = security.users() == UserSource.BUILTIN ? UserStore.open(config.dataDir()) : null;

        ServerSecurity result = new ServerSecurity(security, users, passwords, acl);
        if (passwords != null) {
            Path file = security.passwordFilePath().get();
            SwappableAuthenticator target = passwords;
            result.reloader.watch("password_file", file, passwordBytes, bytes -> SecurityFiles.parsePasswords(file, bytes), target::swap);
        }
        if (acl != null) {
            Path file = security.aclFilePath().get();
            SwappableAuthorizer target = acl;
            result.reloader.watch("acl_file", file, aclBytes, bytes -> SecurityFiles.parseAcl(file, bytes, fallback), target::swap);
        }
        return result;
    }

    /** Adds the authenticators (built-in users first, then the password file) and the ACL to {@code builder}. */
    public Broker.Builder applyTo(Broker.Builder builder) {
        if (users != null) {
            builder.authenticator(new UserStoreAuthenticator(users));
            if (config.offersScram()) {
                builder.enhancedAuthenticator(new UserStoreScramAuthenticator(users));
            }
        }
        if (passwords != null) {
            builder.authenticator(passwords);
        }
        if (acl != null) {
            builder.authorizer(acl);
        }
        return builder;
    }

    /** Starts polling the files every {@code security.reload_interval} (not at all if it is 0s). */
    public void startReloading() {
        reloader.start(config.reloadInterval());
    }

    /** The built-in user database, if {@code users: builtin}. */
    public Optional<UserStore> users() {
        return Optional.ofNullable(users);
    }

    /** The password file's authenticator (swapped on reload), if a password file is configured. */
    public Optional<SwappableAuthenticator> passwordAuthenticator() {
        return Optional.ofNullable(passwords);
    }

    /** The ACL in force now, if an ACL file is configured. */
    public Optional<AclAuthorizer> acl() {
        return acl == null ? Optional.empty() : Optional.of((AclAuthorizer) acl.current());
    }

    /** One line for the start-up log: where users and rules come from. */
    public String describe() {
        StringBuilder out = new StringBuilder("security: users from ");
        out.append(users != null ? users.location() : "no user database");
        config.passwordFilePath().ifPresent(f -> out.append(" and ").append(f));
        out.append(config.aclFilePath().map(f -> "; ACL " + f + " (default " + config.defaultPolicy().yamlName() + ")")
                .orElse("; no ACL file, every action allowed"));
        if (!config.enhancedAuth().isEmpty()) {
            out.append("; enhanced authentication ").append(String.join(", ", config.enhancedAuth()));
        }
        if (!config.reloadInterval().isZero() && (passwords != null || acl != null)) {
            out.append("; files checked for changes every ").append(dev.magpie.server.config.DurationFormat.format(config.reloadInterval()));
        }
        return out.toString();
    }

    /** For tests: checks the watched files now instead of waiting for the next poll. */
    void pollNow() {
        reloader.pollOnce();
    }

    @Override
    public void close() {
        reloader.close();
        if (users != null) {
            users.close();
        }
    }
}
