package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The whole server configuration, one immutable value. A YAML file is read into it by {@link ConfigLoader};
 * keys the file leaves out take the defaults of {@link #defaults()}. Records all the way down keep the value
 * comparable, which is how tests check {@code magpie.example.yaml} against the built-in defaults.
 *
 * @param dataDir      where the broker keeps its state (the user database {@code magpie.db}; created at start)
 * @param logLevel     level of the {@code dev.magpie} loggers
 * @param listeners    at least one, with unique names
 * @param limits       protocol limits and timeouts
 * @param security     users, password file, ACL file and their reloading
 * @param capabilities the optional MQTT features offered and enforced
 * @param bans         client ids, user names and addresses refused at connect; flapping detection
 * @param persistence  whether retained messages are kept in {@code <dataDir>/magpie.db} across restarts
 * @param webhooks     URLs the broker POSTs signed JSON events to; empty by default
 * @param admin        the REST API ({@code /api/v1}); off by default
 * @param sysInterval  how often {@code $SYS/broker/…} is published ({@code sys_interval}, top-level as in mosquitto);
 *                     0 turns it off
 * @param sysClientEvents whether {@code $SYS/broker/clients/<id>/connected|disconnected} are published ({@code sys_client_events})
 * @param metrics      {@code /metrics}, {@code /health}, {@code /ready} on the ws/wss listeners and an optional loopback port
 * @param cluster      whether this server is a node of a cluster over Redis, and how it reaches Redis; off by default
 * @param io           the I/O loops' transport (epoll, io_uring, NIO) and number
 */
public record MagpieConfig(Path dataDir, LogLevel logLevel, List<ListenerConfig> listeners, LimitsConfig limits,
                           SecurityConfig security, CapabilitiesConfig capabilities, BansConfig bans,
                           PersistenceConfig persistence, List<WebhookConfig> webhooks, AdminConfig admin, Duration sysInterval,
                           boolean sysClientEvents, MetricsConfig metrics, ClusterConfig cluster, IoConfig io) {

    public static final Path DEFAULT_DATA_DIR = Path.of("./data");
    /** mosquitto's default {@code sys_interval}. */
    public static final Duration DEFAULT_SYS_INTERVAL = Duration.ofSeconds(10);

    public MagpieConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(capabilities, "capabilities");
        Objects.requireNonNull(bans, "bans");
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(webhooks, "webhooks");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(sysInterval, "sysInterval");
        if (sysInterval.isNegative() || !sysInterval.isZero() && sysInterval.toMillis() < 100) {
            throw new IllegalArgumentException("sys_interval must be 0s (off) or at least 100ms, was "
                    + DurationFormat.format(sysInterval.abs()));
        }
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(io, "io");
        for (int i = 0; i < webhooks.size(); i++) {
            if (webhooks.get(i) == null) {
                throw new IllegalArgumentException("webhooks[" + i + "] is empty");
            }
        }
        webhooks = List.copyOf(webhooks);
        if (listeners == null || listeners.isEmpty()) {
            throw new IllegalArgumentException("listeners must name at least one listener");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig listener = listeners.get(i);
            if (listener == null) {
                throw new IllegalArgumentException("listeners[" + i + "] is empty");
            }
            if (!names.add(listener.name())) {
                throw new IllegalArgumentException("listeners[" + i + "].name '" + listener.name()
                        + "' is used twice; listener names must be unique");
            }
        }
        listeners = List.copyOf(listeners);
        for (String name : admin.listeners()) {
            if (listeners.stream().noneMatch(l -> l.name().equals(name) && (l.type() == ListenerType.WS || l.type() == ListenerType.WSS))) {
                throw new IllegalArgumentException("admin.listeners names '" + name + "', which is not a ws or wss listener of this config"
                        + " (the admin API is HTTP: it is served next to MQTT over WebSocket)");
            }
        }
    }

    /** A config with the default {@code security}, {@code capabilities} and {@code bans} sections. */
    public MagpieConfig(Path dataDir, LogLevel logLevel, List<ListenerConfig> listeners, LimitsConfig limits) {
        this(dataDir, logLevel, listeners, limits, SecurityConfig.DEFAULTS, CapabilitiesConfig.DEFAULTS);
    }

    /** A config with the default {@code bans} and {@code persistence} sections. */
    public MagpieConfig(Path dataDir, LogLevel logLevel, List<ListenerConfig> listeners, LimitsConfig limits,
                        SecurityConfig security, CapabilitiesConfig capabilities) {
        this(dataDir, logLevel, listeners, limits, security, capabilities, BansConfig.DEFAULTS);
    }

    /** A config with the default {@code persistence} section. */
    public MagpieConfig(Path dataDir, LogLevel logLevel, List<ListenerConfig> listeners, LimitsConfig limits,
                        SecurityConfig security, CapabilitiesConfig capabilities, BansConfig bans) {
        this(dataDir, logLevel, listeners, limits, security, capabilities, bans, PersistenceConfig.DEFAULTS);
    }

    /** A config without webhooks. */
    public MagpieConfig(Path dataDir, LogLevel logLevel, List<ListenerConfig> listeners, LimitsConfig limits,
                        SecurityConfig security, CapabilitiesConfig capabilities, BansConfig bans, PersistenceConfig persistence) {
        this(dataDir, logLevel, listeners, limits, security, capabilities, bans, persistence, List.of());
    }

    /** A config with the API off and the default {@code $SYS} and {@code metrics} keys. */
    public MagpieConfig(Path dataDir, LogLevel logLevel, List<ListenerConfig> listeners, LimitsConfig limits,
                        SecurityConfig security, CapabilitiesConfig capabilities, BansConfig bans, PersistenceConfig persistence,
                        List<WebhookConfig> webhooks) {
        this(dataDir, logLevel, listeners, limits, security, capabilities, bans, persistence, webhooks, AdminConfig.DEFAULTS,
                DEFAULT_SYS_INTERVAL, false, MetricsConfig.DEFAULTS, ClusterConfig.DEFAULTS, IoConfig.DEFAULTS);
    }

    /** The built-in defaults: what an empty config file means. */
    public static MagpieConfig defaults() {
        return new MagpieConfig(DEFAULT_DATA_DIR, LogLevel.INFO, List.of(ListenerConfig.DEFAULT), LimitsConfig.DEFAULTS);
    }

    /**
     * What {@code magpie serve} runs without a config file: the defaults, but listening on loopback only with
     * anonymous clients allowed, so a first run works for local tools and is unreachable from the network.
     */
    public static MagpieConfig localOnly() {
        ListenerConfig local = ListenerConfig.DEFAULT.withBind("127.0.0.1").withAllowAnonymous(true);
        return defaults().withListeners(List.of(local));
    }

    @JsonCreator
    static MagpieConfig fromYaml(@JsonProperty("data_dir") Path dataDir,
                                 @JsonProperty("log_level") LogLevel logLevel,
                                 @JsonProperty("listeners") List<ListenerConfig> listeners,
                                 @JsonProperty("limits") LimitsConfig limits,
                                 @JsonProperty("security") SecurityConfig security,
                                 @JsonProperty("capabilities") CapabilitiesConfig capabilities,
                                 @JsonProperty("bans") BansConfig bans,
                                 @JsonProperty("persistence") PersistenceConfig persistence,
                                 @JsonProperty("webhooks") List<WebhookConfig> webhooks,
                                 @JsonProperty("admin") AdminConfig admin,
                                 @JsonProperty("sys_interval") Duration sysInterval,
                                 @JsonProperty("sys_client_events") Boolean sysClientEvents,
                                 @JsonProperty("metrics") MetricsConfig metrics,
                                 @JsonProperty("cluster") ClusterConfig cluster,
                                 @JsonProperty("io") IoConfig io) {
        MagpieConfig d = defaults();
        return new MagpieConfig(
                dataDir != null ? dataDir : d.dataDir,
                logLevel != null ? logLevel : d.logLevel,
                listeners != null ? listeners : d.listeners,
                limits != null ? limits : d.limits,
                security != null ? security : d.security,
                capabilities != null ? capabilities : d.capabilities,
                bans != null ? bans : d.bans,
                persistence != null ? persistence : d.persistence,
                webhooks != null ? webhooks : d.webhooks,
                admin != null ? admin : d.admin,
                sysInterval != null ? sysInterval : d.sysInterval,
                sysClientEvents != null ? sysClientEvents : d.sysClientEvents,
                metrics != null ? metrics : d.metrics,
                cluster != null ? cluster : d.cluster,
                io != null ? io : d.io);
    }

    public MagpieConfig withDataDir(Path newDataDir) {
        return with(parts -> parts.dataDir = newDataDir);
    }

    public MagpieConfig withLogLevel(LogLevel newLevel) {
        return with(parts -> parts.logLevel = newLevel);
    }

    public MagpieConfig withListeners(List<ListenerConfig> newListeners) {
        return with(parts -> parts.listeners = newListeners);
    }

    public MagpieConfig withLimits(LimitsConfig newLimits) {
        return with(parts -> parts.limits = newLimits);
    }

    public MagpieConfig withSecurity(SecurityConfig newSecurity) {
        return with(parts -> parts.security = newSecurity);
    }

    public MagpieConfig withCapabilities(CapabilitiesConfig newCapabilities) {
        return with(parts -> parts.capabilities = newCapabilities);
    }

    public MagpieConfig withBans(BansConfig newBans) {
        return with(parts -> parts.bans = newBans);
    }

    public MagpieConfig withPersistence(PersistenceConfig newPersistence) {
        return with(parts -> parts.persistence = newPersistence);
    }

    public MagpieConfig withWebhooks(List<WebhookConfig> newWebhooks) {
        return with(parts -> parts.webhooks = newWebhooks);
    }

    public MagpieConfig withSysInterval(Duration newInterval) {
        return with(parts -> parts.sysInterval = newInterval);
    }

    public MagpieConfig withSysClientEvents(boolean enabled) {
        return with(parts -> parts.sysClientEvents = enabled);
    }

    public MagpieConfig withAdmin(AdminConfig newAdmin) {
        return with(parts -> parts.admin = newAdmin);
    }

    public MagpieConfig withCluster(ClusterConfig newCluster) {
        return with(parts -> parts.cluster = newCluster);
    }

    public MagpieConfig withMetrics(MetricsConfig newMetrics) {
        return with(parts -> parts.metrics = newMetrics);
    }

    public MagpieConfig withIo(IoConfig newIo) {
        return with(parts -> parts.io = newIo);
    }

    /** This config with one change made to a copy of its values. */
    private MagpieConfig with(Consumer<Parts> change) {
        Parts parts = new Parts(this);
        change.accept(parts);
        return parts.build();
    }

    /**
     * The values of a config, as one mutable copy: each {@code with…} names only the value it changes, so a new
     * top-level key is added here and in its own {@code with…}, not in every one of them.
     */
    private static final class Parts {
        Path dataDir;
        LogLevel logLevel;
        List<ListenerConfig> listeners;
        LimitsConfig limits;
        SecurityConfig security;
        CapabilitiesConfig capabilities;
        BansConfig bans;
        PersistenceConfig persistence;
        List<WebhookConfig> webhooks;
        AdminConfig admin;
        Duration sysInterval;
        boolean sysClientEvents;
        MetricsConfig metrics;
        ClusterConfig cluster;
        IoConfig io;

        Parts(MagpieConfig config) {
            dataDir = config.dataDir;
            logLevel = config.logLevel;
            listeners = config.listeners;
            limits = config.limits;
            security = config.security;
            capabilities = config.capabilities;
            bans = config.bans;
            persistence = config.persistence;
            webhooks = config.webhooks;
            admin = config.admin;
            sysInterval = config.sysInterval;
            sysClientEvents = config.sysClientEvents;
            metrics = config.metrics;
            cluster = config.cluster;
            io = config.io;
        }

        MagpieConfig build() {
            return new MagpieConfig(dataDir, logLevel, listeners, limits, security, capabilities, bans, persistence, webhooks, admin, sysInterval, sysClientEvents, metrics, cluster, io);
        }
    }

    /**
     * Changes the first listener of type {@code tcp} (what {@code --port} and {@code --bind} mean).
     *
     * @throws IllegalArgumentException if there is no tcp listener
     */
    public MagpieConfig withFirstTcpListener(UnaryOperator<ListenerConfig> change) {
        List<ListenerConfig> changed = new ArrayList<>(listeners);
        for (int i = 0; i < changed.size(); i++) {
            if (changed.get(i).type() == ListenerType.TCP) {
                changed.set(i, change.apply(changed.get(i)));
                return withListeners(changed);
            }
        }
        throw new IllegalArgumentException("there is no tcp listener to apply --port or --bind to");
    }
}
