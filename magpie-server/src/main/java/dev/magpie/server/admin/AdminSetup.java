package dev.magpie.server.admin;

import dev.magpie.Broker;
import dev.magpie.server.config.AdminConfig;
import dev.magpie.server.config.ConfigView;
import dev.magpie.server.config.MagpieConfig;
import dev.magpie.server.security.ServerSecurity;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.Decision;
import dev.magpie.store.UserStore;
import dev.magpie.store.UserStoreAuthorizer;

import java.util.Optional;

/**
 * How {@code magpie serve} turns the API on: decides whether it is served ({@code admin.enabled}, or {@code --dev}
 * for its HTTPS listener), finds the user database (the one the {@code builtin} provider opened, else its own on
 * {@code <data_dir>/magpie.db}), supplies the database's ACL rules to the authorizer chain, registers the route
 * and attaches it to the built broker. Closing it closes the database it opened itself.
 */
public final class AdminSetup implements AutoCloseable {
    private final AdminApi api;
    private final UserStore ownStore;
    private final Authorizer databaseRules;

    private AdminSetup(AdminApi api, UserStore ownStore, Authorizer databaseRules) {
        this.api = api;
        this.ownStore = ownStore;
        this.databaseRules = databaseRules;
    }

    /**
     * @param devListener the name of {@code --dev}'s HTTPS listener, which serves the API; null without {@code --dev}
     * @throws dev.magpie.store.UserStoreException if the user database cannot be opened
     */
    public static AdminSetup open(MagpieConfig config, ServerSecurity security, String devListener, String version) {
        AdminConfig admin = config.admin();
        if (!admin.enabled() && devListener == null) {
            return new AdminSetup(null, null, null);
        }
        UserStore own = null;
        UserStore users;
        if (security.users().isPresent()) {
            users = security.users().get();
        } else {
            own = UserStore.open(config.dataDir());
            users = own;
        }
        AdminApi api = new AdminApi(users, version, admin.tokenTtl(),
                name -> admin.servesOn(name) || name.equals(devListener), () -> ConfigView.masked(config), security::acl);
        Authorizer rules = new UserStoreAuthorizer(users, security.hasAclFile() ? Decision.NEXT : Decision.ALLOW);
        return new AdminSetup(api, own, rules);
    }

    /** The database's ACL rules, for {@link ServerSecurity#applyTo(Broker.Builder, Optional)}; empty when the API is off. */
    public Optional<Authorizer> databaseRules() {
        return Optional.ofNullable(databaseRules);
    }

    /** Registers {@code /api/v1/*} on {@code builder}, if the API is on. */
    public Broker.Builder registerOn(Broker.Builder builder) {
        if (api != null) {
            builder.httpRoute(AdminApi.PATH, api);
        }
        return builder;
    }

    /** Starts answering for {@code broker} (built, started or not). */
    public void attach(Broker broker) {
        if (api != null) {
            api.attach(broker.admin());
        }
    }

    public boolean enabled() {
        return api != null;
    }

    @Override
    public void close() {
        if (ownStore != null) {
            ownStore.close();
        }
    }
}
