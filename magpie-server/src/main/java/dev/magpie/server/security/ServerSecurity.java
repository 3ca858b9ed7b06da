package dev.magpie.server.security;

import dev.magpie.Broker;
import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.security.acl.GrantedAcl;
import dev.magpie.server.config.MagpieConfig;
import dev.magpie.server.config.SecurityConfig;
import dev.magpie.spi.Decision;
import dev.magpie.store.UserStore;
import dev.magpie.store.UserStoreAuthenticator;
import dev.magpie.store.UserStoreScramAuthenticator;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What the {@code security:} section means for a running broker, and the resources behind it:
 * <ul>
 *   <li>the authentication providers in order ({@link ConfiguredProviders}): {@code authentication:} if
 *       given, else the short form {@code users: builtin} (a {@link UserStoreAuthenticator} over
 *       {@code <data_dir>/magpie.db}, which reads the database on every CONNECT) then {@code password_file}
 *       (inside a {@link SwappableAuthenticator} the reloader refreshes); JDBC, HTTP and JWT providers;</li>
 *   <li>{@code enhanced_auth: [SCRAM-SHA-256]} → a {@link UserStoreScramAuthenticator} over the same user
 *       database, for MQTT 5 clients that log in with the Authentication Method SCRAM-SHA-256;</li>
 *   <li>when a provider can grant per-client ACLs (JWT {@code acl} claims, HTTP answers), a
 *       {@link GrantedAcl.Authorizer} first: a client with a grant is held to it alone;</li>
 *   <li>{@code acl_file} → an {@link AclAuthorizer} with {@code default_policy}, inside a
 *       {@link SwappableAuthorizer} the reloader refreshes; without an ACL file every action of a client
 *       without a grant is allowed.</li>
 * </ul>
 * A client the authenticators do not know is then admitted only if it sent no user name and its listener
 * allows anonymous clients (the broker's chain rules).
 *
 * <p>{@link #open} fails with a {@code ConfigException} (exit status 2) for a missing or malformed file,
 * naming {@code file:line}, and with a {@code UserStoreException} when the database cannot be opened.
 * {@link #close()} stops reloading and closes the database, pools and clients; call it after the broker has stopped.
 */
public final class ServerSecurity implements AutoCloseable {
    private final ConfiguredProviders providers;
    private final SwappableAuthorizer acl;
    private final SecurityReloader reloader = new SecurityReloader();
    private final SecurityConfig config;

    private ServerSecurity(SecurityConfig config, ConfiguredProviders providers, SwappableAuthorizer acl) {
        this.config = config;
        this.providers = providers;
        this.acl = acl;
    }

    /** Opens the user database and loads the files {@code config} names; nothing runs until {@link #startReloading()}. */
    public static ServerSecurity open(MagpieConfig config) {
        SecurityConfig security = config.security();
        Decision fallback = security.defaultPolicy().decision();
        SwappableAuthorizer acl = null;
        byte[] aclBytes = null;
        if (security.aclFilePath().isPresent()) {
            Path file = security.aclFilePath().get();
            aclBytes = SecurityFiles.read("acl_file", file);
            acl = new SwappableAuthorizer(SecurityFiles.parseAcl(file, aclBytes, fallback));
        }
        // the providers last: a file error must not leave the database or a pool open
        ConfiguredProviders providers = ConfiguredProviders.open(security.providers(), config.dataDir());

        ServerSecurity result = new ServerSecurity(security, providers, acl);
        for (ConfiguredProviders.WatchedPasswords p : providers.passwordFiles()) {
            Path file = p.file();
            result.reloader.watch(p.key(), file, p.loaded(), bytes -> SecurityFiles.parsePasswords(file, bytes), p.target()::swap);
        }
        if (acl != null) {
            Path file = security.aclFilePath().get();
            SwappableAuthorizer target = acl;
            result.reloader.watch("acl_file", file, aclBytes, bytes -> SecurityFiles.parseAcl(file, bytes, fallback), target::swap);
        }
        return result;
    }

    /** Adds the authenticators in their configured order, then the granted-ACL authorizer and the ACL, to {@code builder}. */
    public Broker.Builder applyTo(Broker.Builder builder) {
        return applyTo(builder, Optional.empty());
    }

    /**
     * As {@link #applyTo(Broker.Builder)}, with {@code databaseRules} (the ACL rules of the user database, which the
     * admin API edits) asked after the granted ACLs and before the ACL file.
     */
    public Broker.Builder applyTo(Broker.Builder builder, Optional<dev.magpie.spi.Authorizer> databaseRules) {
        providers.chain().forEach(builder::authenticator);
        if (config.offersScram()) {
            // SecurityConfig has checked that a builtin provider is configured, so the database is open
            builder.enhancedAuthenticator(new UserStoreScramAuthenticator(providers.users().orElseThrow()));
        }
        if (providers.grantsAcl()) {
            builder.authorizer(new GrantedAcl.Authorizer(acl != null || databaseRules.isPresent() ? Decision.NEXT : Decision.ALLOW));
        }
        databaseRules.ifPresent(builder::authorizer);
        if (acl != null) {
            builder.authorizer(acl);
        }
        return builder;
    }

    /** Starts polling the files every {@code security.reload_interval} (not at all if it is 0s). */
    public void startReloading() {
        reloader.start(config.reloadInterval());
    }

    /** The built-in user database, if a {@code builtin} provider is configured. */
    public Optional<UserStore> users() {
        return providers.users();
    }

    /** The (first) password file's authenticator (swapped on reload), if a password file is configured. */
    public Optional<SwappableAuthenticator> passwordAuthenticator() {
        return providers.passwordFiles().stream().findFirst().map(ConfiguredProviders.WatchedPasswords::target);
    }

    /** Whether an ACL file is configured (then rules asked before it answer NEXT when none matches). */
    public boolean hasAclFile() {
        return acl != null;
    }

    /** The ACL in force now, if an ACL file is configured. */
    public Optional<AclAuthorizer> acl() {
        return acl == null ? Optional.empty() : Optional.of((AclAuthorizer) acl.current());
    }

    /** One line for the start-up log: where users and rules come from. */
    public String describe() {
        StringBuilder out = new StringBuilder("security: authentication by ").append(providers.describe());
        out.append(config.aclFilePath().map(f -> "; ACL " + f + " (default " + config.defaultPolicy().yamlName() + ")")
                .orElse(providers.grantsAcl() ? "; no ACL file, clients without a granted ACL may do anything"
                        : "; no ACL file, every action allowed"));
        if (!config.enhancedAuth().isEmpty()) {
            out.append("; enhanced authentication ").append(String.join(", ", config.enhancedAuth()));
        }
        if (!config.reloadInterval().isZero() && (!providers.passwordFiles().isEmpty() || acl != null)) {
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
        providers.close();
    }
}
