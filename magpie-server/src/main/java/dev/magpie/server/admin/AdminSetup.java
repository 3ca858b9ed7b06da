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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminSetup.class);

    private final AdminApi api;
    private final UserStore ownStore;
    private final Authorizer databaseRules;
    private final java.util.function.Predicate<String> servesOn;
    private Broker broker;

    private AdminSetup(AdminApi api, UserStore ownStore, Authorizer databaseRules, java.util.function.Predicate<String> servesOn) {
        this.api = api;
        this.ownStore = ownStore;
        this.databaseRules = databaseRules;
        this.servesOn = servesOn;
    }

    /**
     * @param devListener the name of {@code --dev}'s HTTPS listener, which serves the API; null without {@code --dev}
     * @throws dev.magpie.store.UserStoreException if the user database cannot be opened
     */
    public static AdminSetup open(MagpieConfig config, ServerSecurity security, String devListener, String version) {
        AdminConfig admin = config.admin();
        if (!admin.enabled() && devListener == null) {
            return new AdminSetup(null, null, null, name -> false);
        }
        UserStore own = null;
        UserStore users;
        if (security.users().isPresent()) {
            users = security.users().get();
        } else {
            own = UserStore.open(config.dataDir());
            users = own;
        }
        java.util.function.Predicate<String> servesOn = name -> admin.servesOn(name) || name.equals(devListener);
        AdminApi api = new AdminApi(users, version, admin.tokenTtl(), servesOn, () -> ConfigView.masked(config), security::acl);
        Authorizer rules = new UserStoreAuthorizer(users, security.hasAclFile() ? Decision.NEXT : Decision.ALLOW);
        return new AdminSetup(api, own, rules, servesOn);
    }

    /** The database's ACL rules, for {@link ServerSecurity#applyTo(Broker.Builder, Optional)}; empty when the API is off. */
    public Optional<Authorizer> databaseRules() {
        return Optional.ofNullable(databaseRules);
    }

    /** Registers {@code /api/v1/*} on {@code builder}, if the API is on. */
    public Broker.Builder registerOn(Broker.Builder builder) {
        if (api != null) {
            builder.httpRoute(AdminApi.PATH, api);
            builder.httpRoute("/api/v1", api); // so even the bare prefix answers a JSON error, not the static 404
        }
        return builder;
    }

    /** Starts answering for {@code broker} (built, started or not). */
    public void attach(Broker broker) {
        if (api != null) {
            this.broker = broker;
            api.attach(broker.admin());
        }
    }

    /**
     * Logs, once the broker has started, where the API answers, and warns about the listeners where it cannot
     * (no ws/wss listener at all; plain ws not bound to loopback, which answers 403 insecure_listener).
     */
    public void announce() {
        if (api == null || broker == null) {
            return;
        }
        int serving = 0;
        for (dev.magpie.admin.ListenerInfo l : broker.admin().listeners()) {
            boolean http = l.type().equals("ws") || l.type().equals("wss");
            if (!http || !servesOn.test(l.name())) {
                continue;
            }
            if (ListenerRule.allows(l.tls(), l.bind())) {
                serving++;
                LOG.info("admin API on /api/v1 at {}://{}:{}/api/v1 (listener {}); OpenAPI at /api/v1/openapi.json", l.tls() ? "https" : "http",
                        l.bind().contains(":") ? "[" + l.bind() + "]" : l.bind(), l.port(), l.name());
            } else {
                LOG.warn("admin API: listener {} is plain ws on {}, not loopback: it answers 403 insecure_listener (use wss, or bind it to"
                        + " 127.0.0.1 behind a TLS proxy)", l.name(), l.bind());
            }
        }
        if (serving == 0) {
            LOG.warn("admin API is enabled but no listener can serve it: add a wss listener (or a ws one on 127.0.0.1), see docs/api.md");
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
