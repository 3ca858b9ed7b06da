package dev.magpie;


import dev.magpie.observe.sys.BuildVersion;
import dev.magpie.observe.sys.SysClientEvents;
import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.ClusterSettings;
import dev.magpie.observe.metrics.MetricsEndpoint;
import dev.magpie.observe.metrics.MetricsSettings;
import dev.magpie.observe.webhook.Webhook;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Ban;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.EnhancedAuthenticator;
import dev.magpie.spi.Interceptor;
import dev.magpie.spi.HttpRoute;
import dev.magpie.spi.Message;
import dev.magpie.store.MessageStore;
import dev.magpie.store.SyncMode;
import dev.magpie.transport.HttpRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An MQTT broker you can embed: build it, start it, publish from it, stop it.
 *
 * <pre>{@code
 * Broker broker = Broker.builder()
 *         .listener(Listener.tcp("127.0.0.1", 1883).anonymous(true))
 *         .eventListener(new BrokerListener() {
 *             public void subscribed(ClientInfo client, String filter, int qos) {
 *                 broker.publish("/public/systemInfo", client.username() + " subscribed " + filter);
 *             }
 *         })
 *         .build()
 *         .start();
 * ...
 * broker.stop();
 * }</pre>
 *
 * <p>All methods are thread-safe. {@link #stop()} is graceful: connected 5.0 clients are told the server
 * is shutting down (0x8B), sessions and retained messages are kept for the next start of the same store.
 */
public final class Broker implements AutoCloseable {
    /** How often {@code $SYS} is published unless {@link Builder#sysInterval} says otherwise: mosquitto's default. */
    public static final Duration DEFAULT_SYS_INTERVAL = Duration.ofSeconds(10);
    private static final Duration MIN_SYS_INTERVAL = Duration.ofMillis(100);

    private final BrokerCore runtime;

    private Broker(Builder builder) {
        // one per broker: it publishes into this broker's routing
        SysClientEvents clientEvents = builder.sysClientEvents ? new SysClientEvents(Clock.systemUTC()) : null;
        // with metrics on, the meters go to a Prometheus registry (the application's, or one beside it); its routes come
        // after the application's own, which win for the same path
        MetricsEndpoint metrics = builder.metrics == null ? null
                : MetricsEndpoint.create(builder.metrics, Optional.ofNullable(builder.meterRegistryChosen ? builder.meterRegistry : null));
        Map<String, HttpRoute> routes = new LinkedHashMap<>(builder.httpRoutes);
        if (metrics != null) {
            metrics.listenerRoutes().forEach(routes::putIfAbsent);
        }
        this.runtime = new BrokerCore(List.copyOf(builder.listeners), builder.settings, builder.limits, builder.loginLimits, List.copyOf(builder.bans),
                builder.capabilities, List.copyOf(builder.authenticators),
                List.copyOf(builder.enhancedAuthenticators.values()),
                List.copyOf(builder.authorizers), List.copyOf(builder.interceptors), builder.eventListenersWith(clientEvents),
                List.copyOf(builder.webhooks), routes, metrics != null ? metrics.registry() : builder.meterRegistry, builder.storeChoice);
        this.runtime.ioThreads(builder.ioThreads);
        this.runtime.transport(builder.transport);
        this.runtime.sysTopics(builder.sysInterval, clientEvents);
        if (metrics != null) {
            this.runtime.metricsEndpoint(metrics);
        }
        if (builder.cluster != null) {
            this.runtime.cluster(builder.cluster, builder.clusterSettings);
        }
    }

    /**
     * The version of this library and the commit it was built from, e.g. {@code 0.1.0 (commit 3af4741e0c2b)}:
     * what {@code $SYS/broker/version} reports after "magpie version ".
     *
     * @return the version and commit; a part the build did not know reads "unknown"
     */
    public static String version() {
        return BuildVersion.describe();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds every listener and starts accepting clients; returns when all are bound.
     *
     * @throws BrokerException if a listener cannot bind (the message names it and the address)
     */
    public Broker start() {
        runtime.start();
        return this;
    }

    /** The port a listener is bound to (useful with port 0). */
    public int port(String listenerName) {
        return address(listenerName).getPort();
    }

    /** The address a listener is bound to. */
    public InetSocketAddress address(String listenerName) {
        return runtime.boundAddress(listenerName);
    }

    /**
     * The address of the plain loopback HTTP port serving {@code /metrics}, {@code /health} and {@code /ready} (see
     * {@link Builder#metrics}), once started; useful with port 0.
     *
     * @throws IllegalStateException if the broker has no such port (or has not started)
     */
    public InetSocketAddress metricsAddress() {
        return runtime.metricsAddress();
    }

    /**
     * Publishes a message as the broker itself: it goes through interceptors and is routed to every matching
     * subscription (and retained if asked), exactly like a client's PUBLISH.
     */
    public void publish(Message message) {
        runtime.publish(Objects.requireNonNull(message, "message"));
    }

    public void publish(String topic, byte[] payload, int qos, boolean retain) {
        publish(new Message(topic, payload, qos, retain));
    }

    /** Publishes a UTF-8 text at QoS 0, not retained (the seed's {@code MqttServer.publish}). */
    public void publish(String topic, String payload) {
        publish(new Message(topic, payload.getBytes(StandardCharsets.UTF_8), 0, false));
    }

    /**
     * The ban list: add and lift bans of client ids, user names and addresses while the broker runs (see
     * {@link Bans}). Bans given to the builder and those added by flapping detection are in it too.
     */
    public Bans bans() {
        return runtime.bans();
    }

    /**
     * Administration of the running broker: list, inspect and kick clients, delete sessions, subscribe a client,
     * read and delete retained messages (see {@link dev.magpie.admin.BrokerAdmin}), e.g.
     * {@code broker.admin().kick("sensor-7", false)}. What the REST API of {@code magpie serve} calls.
     */
    public dev.magpie.admin.BrokerAdmin admin() {
        return runtime.admin();
    }

    /** Stops accepting, tells connected clients, closes connections and releases threads. Idempotent. */
    public void stop() {
        runtime.stop();
    }

    @Override
    public void close() {
        stop();
    }

    /** Configures a {@link Broker}. Nothing is bound until {@link Broker#start()}. */
    public static final class Builder {
        private final List<Listener> listeners = new ArrayList<>();
        private final List<Authenticator> authenticators = new ArrayList<>();
        private final Map<String, EnhancedAuthenticator> enhancedAuthenticators = new LinkedHashMap<>();
        private final List<Authorizer> authorizers = new ArrayList<>();
        private final List<Interceptor> interceptors = new ArrayList<>();
        private final List<BrokerListener> eventListeners = new ArrayList<>();
        private final List<Webhook> webhooks = new ArrayList<>();
        private final Map<String, HttpRoute> httpRoutes = new LinkedHashMap<>();
        private final List<Ban> bans = new ArrayList<>();
        private BrokerSettings settings = BrokerSettings.defaults();
        private BrokerLimits limits = BrokerLimits.defaults();
        private LoginLimits loginLimits = LoginLimits.defaults();
        private BrokerCapabilities capabilities = BrokerCapabilities.all();
        private StoreChoice storeChoice = StoreChoice.NONE;
        private MeterRegistry meterRegistry = new SimpleMeterRegistry();
        private boolean meterRegistryChosen;
        /** Null: no /metrics, /health, /ready. */
        private MetricsSettings metrics;
        private int ioThreads;
        private IoTransport transport = IoTransport.AUTO;
        private Duration sysInterval = DEFAULT_SYS_INTERVAL;
        private boolean sysClientEvents;
        private ClusterBackend cluster;
        private ClusterSettings clusterSettings = ClusterSettings.defaults();

        private Builder() {
        }

        /**
         * How often the broker publishes its status under mosquitto's {@code $SYS/broker/…} topics (uptime, clients,
         * messages and bytes in and out, load averages, retained and stored messages, subscriptions); default 10 s, as
         * mosquitto's {@code sys_interval}; at least 100 ms. {@link Duration#ZERO} turns them off. Only the broker publishes there (a
         * client's PUBLISH to {@code $SYS/} is refused), and subscribers need a read right for them like for any topic:
         * <pre>{@code
         * Broker.builder()
         *         .listener(Listener.tcp("0.0.0.0", 1883))
         *         .sysInterval(Duration.ofSeconds(30))
         *         .authorizer(AclAuthorizer.of(List.of(AclRule.topic(Access.READ, "$SYS/#").forUser("admin"))))
         *         .build().start();
         * }</pre>
         * See {@code docs/operations.md#sys-topics} for the topics and what each means.
         */
        public Builder sysInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || !interval.isZero() && interval.compareTo(MIN_SYS_INTERVAL) < 0) {
                // a round is ~65 messages through the routing: more often than ten times a second is a load, not a status
                throw new IllegalArgumentException("sysInterval must be 0 (off) or at least 100ms, not " + interval);
            }
            this.sysInterval = interval;
            return this;
        }

        /**
         * With {@code true}, also publishes {@code $SYS/broker/clients/<client id>/connected} and {@code …/disconnected}
         * (JSON: client id, user name, address, listener, protocol, time, and the reason of a disconnect) as clients come
         * and go; off by default. Independent of {@link #sysInterval}.
         * <pre>{@code Broker.builder().listener(Listener.tcp("127.0.0.1", 1883)).sysClientEvents(true).build().start();}</pre>
         */
        public Builder sysClientEvents(boolean enabled) {
            this.sysClientEvents = enabled;
            return this;
        }

        /** The application's event listeners, then the $SYS client events' one if they are on (not null). */
        private List<BrokerListener> eventListenersWith(SysClientEvents clientEvents) {
            List<BrokerListener> all = new ArrayList<>(eventListeners);
            if (clientEvents != null) {
                all.add(clientEvents);
            }
            return List.copyOf(all);
        }

        /**
         * How many I/O event loops serve the connections; 0 (the default) runs one per CPU the process may use. A
         * session lives on one loop, so more loops than cores only add hand-offs; fewer leave cores to the
         * application that embeds the broker:
         * <pre>{@code Broker.builder().listener(Listener.tcp("mqtt", 1883)).ioThreads(1).build().start();}</pre>
         */
        public Builder ioThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("ioThreads must be 0 (one per CPU) or more, not " + threads);
            }
            this.ioThreads = threads;
            return this;
        }

        /**
         * How the I/O loops talk to the kernel: {@link IoTransport#AUTO} (the default: native epoll on Linux, NIO
         * elsewhere), or one of the others; a transport this platform cannot run makes {@link Broker#start()} fail
         * with a {@link BrokerException} saying why. io_uring costs less CPU per delivery when messages fan out to
         * many subscribers (docs/benchmarks.md):
         * <pre>{@code Broker.builder().listener(Listener.tcp("mqtt", 1883)).transport(IoTransport.IO_URING).build().start();}</pre>
         */
        public Builder transport(IoTransport transport) {
            this.transport = java.util.Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** Adds a network listener; names must be unique. */
        public Builder listener(Listener listener) {
            Objects.requireNonNull(listener, "listener");
            for (Listener l : listeners) {
                if (l.name().equals(listener.name())) {
                    throw new IllegalArgumentException("duplicate listener name: " + listener.name());
                }
            }
            listeners.add(listener);
            return this;
        }

        public Builder settings(BrokerSettings newSettings) {
            this.settings = Objects.requireNonNull(newSettings, "settings");
            return this;
        }

        /** Connection, topic, subscription, queue, rate and flapping limits (default: {@link BrokerLimits#defaults()}). */
        public Builder limits(BrokerLimits newLimits) {
            this.limits = Objects.requireNonNull(newLimits, "limits");
            return this;
        }

        /**
         * Failed-login throttling and the bounded, fair queue of password checks (default:
         * {@link LoginLimits#defaults()}), e.g. {@code .loginLimits(LoginLimits.defaults().toBuilder().freeFailures(3).build())}.
         */
        public Builder loginLimits(LoginLimits newLimits) {
            this.loginLimits = Objects.requireNonNull(newLimits, "loginLimits");
            return this;
        }

        /**
         * A ban in force from the start, e.g. {@code .ban(Ban.address("198.51.100.0/24"))}; more can be added
         * while running through {@link Broker#bans()}.
         */
        public Builder ban(Ban ban) {
            bans.add(Objects.requireNonNull(ban, "ban"));
            return this;
        }

        /** The optional MQTT features offered (default: {@link BrokerCapabilities#all()}). */
        public Builder capabilities(BrokerCapabilities newCapabilities) {
            this.capabilities = Objects.requireNonNull(newCapabilities, "capabilities");
            return this;
        }

        /**
         * Keeps retained messages in the SQLite file {@code <directory>/magpie.db} (the file {@code UserStore}
         * uses too), so a broker started again on the same directory finds them. The broker opens the file at
         * {@link Broker#start()} (a file it cannot open or write fails the start with a {@link BrokerException}
         * naming it) and closes it at {@link Broker#stop()}. Without this or {@link #store}, nothing is kept
         * after stop.
         * <pre>{@code
         * Broker broker = Broker.builder()
         *         .listener(Listener.tcp("0.0.0.0", 1883))
         *         .dataDirectory(Path.of("data"))
         *         .build().start();
         * }</pre>
         * Writes are batched on one thread and committed shortly after the PUBLISH; see {@link SyncMode} and
         * {@code docs/persistence.md} for what a crash can lose.
         */
        public Builder dataDirectory(Path directory) {
            return dataDirectory(directory, SyncMode.NORMAL);
        }

        /** As {@link #dataDirectory(Path)}, choosing when commits reach the disk. */
        public Builder dataDirectory(Path directory, SyncMode sync) {
            this.storeChoice = new StoreChoice(null, Objects.requireNonNull(directory, "directory"), Objects.requireNonNull(sync, "sync"),
                    storeChoice.durableAcks());
            return this;
        }

        /**
         * With {@code true} (the default), nothing the broker says can be contradicted by a crash: the PUBACK/PUBREC
         * of a QoS 1/2 PUBLISH is sent only once the store has committed what the message caused (the retained
         * message, the copies queued for persistent sessions), a PUBCOMP once the packet id's release is, a SUBACK
         * or UNSUBACK once the subscription change is, and a persistent session's PUBLISH or PUBREL goes out once
         * its in-flight record is. A kill -9 then loses nothing acknowledged, delivers QoS 2 once, and redelivers at
         * most the in-flight window. Costs latency (one group commit) per step; {@code false} answers at once and
         * commits a moment later (write-behind, faster, loses the last moments in a crash). See
         * {@code docs/persistence.md} for the measured cost. Only matters with {@link #dataDirectory} or {@link #store}.
         */
        public Builder durableAcknowledgements(boolean durable) {
            this.storeChoice = storeChoice.withDurableAcks(durable);
            return this;
        }

        /**
         * Keeps retained messages in {@code store}, which the application opened and closes (after
         * {@link Broker#stop()}). {@link MessageStore#inMemory()} keeps them while the JVM runs, which suits tests:
         * <pre>{@code
         * MessageStore store = MessageStore.inMemory();
         * Broker.builder().listener(Listener.tcp("127.0.0.1", 0)).store(store).build().start();
         * }</pre>
         * Replaces an earlier {@link #dataDirectory} choice, and the other way round.
         */
        public Builder store(MessageStore store) {
            this.storeChoice = new StoreChoice(Objects.requireNonNull(store, "store"), null, SyncMode.NORMAL, storeChoice.durableAcks());
            return this;
        }

        /**
         * The Micrometer registry the broker's meters go to (default: a private one). Pass the application's
         * registry to export them, e.g. {@code .meterRegistry(prometheusRegistry)}: connections, sessions,
         * subscriptions, messages received / delivered / dropped, in-flight and queued messages, packets and bytes in and
         * out (the counts behind {@code $SYS}, see {@link #sysInterval}).
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            this.meterRegistryChosen = true;
            return this;
        }

        /**
         * Serves the broker's meters in the Prometheus text format at {@code settings.path()} ({@code /metrics}), with
         * {@code /health} (liveness) and {@code /ready} (every listener bound, store open: 200, else 503 with the
         * reasons), on every {@code ws}/{@code wss} listener and, if asked, on a plain HTTP port on 127.0.0.1. JVM meters
         * are added. On the listeners, {@code /metrics} answers clients on this machine and holders of the settings'
         * bearer token only (see {@link MetricsSettings}); a route the application registered for one of these paths wins.
         * <pre>{@code
         * Broker broker = Broker.builder()
         *         .listener(Listener.tcp("0.0.0.0", 1883))
         *         .metrics(MetricsSettings.defaults().withLoopbackPort(9183))
         *         .build().start();
         * // curl http://127.0.0.1:9183/metrics
         * }</pre>
         * With {@link #meterRegistry} set to a {@code PrometheusMeterRegistry}, that one is served; with another
         * registry, the meters go to both it and the served one. Every meter is described in
         * {@code docs/operations.md#metrics-and-health}.
         */
        public Builder metrics(MetricsSettings settings) {
            this.metrics = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Appends an authenticator to the chain (first added is asked first). */
        public Builder authenticator(Authenticator authenticator) {
            authenticators.add(Objects.requireNonNull(authenticator, "authenticator"));
            return this;
        }

        /**
         * Serves MQTT 5 enhanced authentication (AUTH packets, spec 4.12) for the method {@code authenticator}
         * names; one authenticator per method. Clients naming a method nobody serves get CONNACK 0x8C. The
         * built-in SCRAM-SHA-256 against the user database:
         * <pre>{@code
         * UserStore users = UserStore.open(Path.of("data"));
         * Broker.builder()
         *         .listener(Listener.tcp("0.0.0.0", 1883))
         *         .authenticator(new UserStoreAuthenticator(users))            // user name + password in CONNECT
         *         .enhancedAuthenticator(new UserStoreScramAuthenticator(users)) // Authentication Method SCRAM-SHA-256
         *         .build().start();
         * }</pre>
         * See {@link EnhancedAuthenticator} for the exchange and its threads.
         *
         * @throws IllegalArgumentException if another authenticator already serves the same method
         */
        public Builder enhancedAuthenticator(EnhancedAuthenticator authenticator) {
            Objects.requireNonNull(authenticator, "authenticator");
            String method = authenticator.method();
            if (method == null || method.isEmpty()) {
                throw new IllegalArgumentException("an enhanced authenticator must name its Authentication Method");
            }
            if (enhancedAuthenticators.putIfAbsent(method, authenticator) != null) {
                throw new IllegalArgumentException("duplicate enhanced authenticator for the method " + method);
            }
            return this;
        }

        /** Appends an authorizer to the chain (first added is asked first). */
        public Builder authorizer(Authorizer authorizer) {
            authorizers.add(Objects.requireNonNull(authorizer, "authorizer"));
            return this;
        }

        public Builder interceptor(Interceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        public Builder eventListener(BrokerListener listener) {
            eventListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * POSTs signed JSON about connections, subscriptions and messages to a URL, off the I/O threads, through a
         * bounded queue with retries; its meters ({@code magpie.webhook.*}) go to the broker's registry. See
         * {@link dev.magpie.observe.webhook.Webhooks} and {@code docs/operations.md#webhooks}.
         * <pre>{@code
         * .webhook(Webhook.builder(URI.create("https://hooks.example.com/mqtt"), secret)
         *         .events(WebhookEvent.CLIENT_CONNECTED, WebhookEvent.MESSAGE_PUBLISHED).topics("sensors/#").build())
         * }</pre>
         */
        public Builder webhook(Webhook webhook) {
            webhooks.add(Objects.requireNonNull(webhook, "webhook"));
            return this;
        }

        /**
         * Answers plain HTTP requests for {@code path} on every {@code ws} and {@code wss} listener (exact path, or
         * a prefix ending in {@code "/*"}); WebSocket upgrades to the MQTT paths never reach it. The seed's
         * {@code res.end('hello world!')}:
         * <pre>{@code .httpRoute("/", request -> HttpRoute.Response.text("hello world!"))}</pre>
         * See {@link HttpRoute} for the thread it runs on.
         */
        public Builder httpRoute(String path, HttpRoute route) {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(route, "route");
            HttpRoutes.validate(path);
            if (httpRoutes.putIfAbsent(path, route) != null) {
                throw new IllegalArgumentException("duplicate HTTP route: " + path);
            }
            return this;
        }

        /**
         * Runs this broker as one node of a cluster over {@code backend} (e.g. {@code RedisClusterBackend} of module
         * magpie-cluster-redis): its local filters become routes, and publishes reach the subscribers of every
         * node. The broker starts and closes the backend. So far only plain (non-shared) subscriptions at QoS 0 and 1
         * cross nodes, and client ids are owned cluster-wide (a CONNECT on one node takes the id over from another,
         * whose client is told 0x8E), and a persistent session resumes on the node its client connects to, with its
         * subscriptions and undelivered messages; see docs/cluster.md.
         * <pre>{@code
         * Broker.builder().listener(Listener.tcp("0.0.0.0", 1883))
         *       .cluster(RedisClusterBackend.create(RedisBackendSettings.of("redis://redis:6379"),
         *                                            NodeIdentity.fresh("node-a")))
         *       .build().start();
         * }</pre>
         */
        public Builder cluster(ClusterBackend backend) {
            return cluster(backend, ClusterSettings.defaults());
        }

        /**
         * As {@link #cluster(ClusterBackend)}, with {@code settings} for what the node does beyond the backend (the
         * outage policy: what a CONNECT gets while the cluster store cannot check its client id).
         */
        public Builder cluster(ClusterBackend backend, ClusterSettings settings) {
            this.cluster = Objects.requireNonNull(backend, "backend");
            this.clusterSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        public Broker build() {
            if (listeners.isEmpty()) {
                throw new IllegalStateException("a broker needs at least one listener, e.g. Listener.tcp(\"127.0.0.1\", 1883)");
            }
            return new Broker(this);
        }
    }
}
