package dev.magpie;

import dev.magpie.admin.BrokerAdmin;
import dev.magpie.admin.ListenerInfo;
import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.ClusterException;
import dev.magpie.cluster.ClusterSettings;
import dev.magpie.cluster.session.ClusterSessions;
import dev.magpie.cluster.link.ClusterLink;
import dev.magpie.codec.ReasonCode;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.EventLoopLag;
import dev.magpie.observe.metrics.MetricsEndpoint;
import dev.magpie.observe.EventDispatcher;
import dev.magpie.observe.sys.SysClientEvents;
import dev.magpie.observe.sys.SysTopicPublisher;
import dev.magpie.observe.webhook.Webhook;
import dev.magpie.observe.webhook.Webhooks;
import dev.magpie.protocol.Admission;
import dev.magpie.protocol.ConnectionServices;
import dev.magpie.protocol.FlowServices;
import dev.magpie.protocol.AdminSessions;
import dev.magpie.protocol.MqttConnection;
import dev.magpie.protocol.PublishPipeline;
import dev.magpie.protocol.SessionLifecycle;
import dev.magpie.routing.Distributor;
import dev.magpie.security.AuthenticationChain;
import dev.magpie.security.AddressRange;
import dev.magpie.security.AuthorizationChain;
import dev.magpie.security.ban.BanList;
import dev.magpie.security.ban.FlappingDetector;
import dev.magpie.security.EnhancedAuthentication;
import dev.magpie.security.throttle.FairExecutor;
import dev.magpie.security.throttle.LoginThrottle;
import dev.magpie.session.Session;
import dev.magpie.session.SessionRegistry;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.Ban;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.EnhancedAuthenticator;
import dev.magpie.spi.HttpRoute;
import dev.magpie.spi.Interceptor;
import dev.magpie.spi.Message;
import dev.magpie.store.MessageStore;
import dev.magpie.store.SqliteMessageStore;
import dev.magpie.store.StoreException;
import dev.magpie.transport.ConnectionLimit;
import dev.magpie.transport.EventLoops;
import dev.magpie.transport.HttpRoutes;
import dev.magpie.transport.ListenerBinding;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.channel.Channel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Assembles the layers of one {@link Broker} (security → routing → sessions → protocol → transport) and
 * runs their life cycle. Kept apart from {@link Broker} so the public class shows only the API.
 */
final class BrokerCore {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final long SHUTDOWN_GRACE_MILLIS = 2_000;
    /** How often expired bans and stale flapping counters are forgotten. */
    private static final long PURGE_SECONDS = 10;
    /** How long queued webhook events (the shutdown's own disconnects among them) get to go out at stop. */
    private static final Duration WEBHOOK_GRACE = Duration.ofSeconds(2);

    private final List<Listener> listeners;
    /** What every connection is built from: each class inside gets the few collaborators it uses. */
    private final ConnectionServices connections;
    private final PublishPipeline pipeline;
    private final ThreadPoolExecutor authExecutor;
    private final FairExecutor passwordChecks;
    private final LoginThrottle throttle;
    private final ThreadPoolExecutor httpExecutor;
    private final HttpRoutes httpRoutes;
    private final Bans bans;
    private final ConnectionLimit brokerConnections;
    private final StoreChoice storeChoice;
    private final Distributor distributor;
    private final BrokerMetrics metrics;
    private final BrokerAdmin admin;
    /** Replaced once by {@link #cluster} (before start) with one that also shows the cluster. */
    private volatile BrokerSysSources sysSources;
    /** How often $SYS is published (zero: never) and the client events' listener (null: off); set before start. */
    private Duration sysInterval = Duration.ZERO;
    private SysClientEvents sysClientEvents;
    /** Null while stopped or with sys_interval 0. */
    private SysTopicPublisher sysPublisher;
    /** Null without webhooks. */
    private final Webhooks webhooks;
    /** The store in use while running; closed at stop when this broker opened it. */
    private volatile MessageStore store;
    private ScheduledFuture<?> purge;
    private final List<ListenerBinding> bindings = new ArrayList<>();
    private EventLoops loops;
    /** Null unless the broker is a cluster node ({@link Broker.Builder#cluster}). */
    private ClusterLink clusterLink;
    /** Client-id ownership and the sessions' copies in the cluster store; null when not a cluster node. */
    private ClusterSessions clusterSessions;
    /** I/O event loops to start; 0: one per CPU the process may run on. */
    private int ioThreads;
    private IoTransport transport = IoTransport.AUTO;
    private boolean started;
    private boolean stopped;
    /** Null without {@code Broker.Builder.metrics}; volatile: its address is asked for while start() holds the lock. */
    private volatile MetricsEndpoint metricsEndpoint;
    private EventLoopLag loopLag;
    /** What /health and /ready answer; told each step of start and stop. */
    private final BrokerHealth health;

    BrokerCore(List<Listener> listeners, BrokerSettings settings, BrokerLimits limits, List<Ban> initialBans,
               BrokerCapabilities capabilities, List<Authenticator> authenticators,
               List<EnhancedAuthenticator> enhancedAuthenticators,
               List<Authorizer> authorizers, List<Interceptor> interceptors, List<BrokerListener> eventListeners,
               Map<String, HttpRoute> routes, MeterRegistry registry, StoreChoice storeChoice) {
        this(listeners, settings, limits, LoginLimits.defaults(), initialBans, capabilities, authenticators, enhancedAuthenticators,
                authorizers, interceptors, eventListeners, List.of(), routes, registry, storeChoice);
    }

    BrokerCore(List<Listener> listeners, BrokerSettings settings, BrokerLimits limits, LoginLimits login, List<Ban> initialBans,
               BrokerCapabilities capabilities, List<Authenticator> authenticators,
               List<EnhancedAuthenticator> enhancedAuthenticators,
               List<Authorizer> authorizers, List<Interceptor> interceptors, List<BrokerListener> eventListeners,
               List<Webhook> webhookList, Map<String, HttpRoute> routes, MeterRegistry registry, StoreChoice storeChoice) {
        this.listeners = listeners;
        this.health = new BrokerHealth(listeners);
        this.storeChoice = storeChoice;
        // enhanced authentication (AUTH exchanges: SCRAM's server side is a few HMACs, no hashing per login)
        this.authExecutor = new ThreadPoolExecutor(2, 16, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000),
                new DefaultThreadFactory("magpie-auth", true), new ThreadPoolExecutor.AbortPolicy());
        // password checks: costly by design, so fair between addresses and bounded (see LoginLimits)
        this.passwordChecks = new FairExecutor(login.threadCount(), login.maxPending(), login.maxPendingPerAddress(),
                new DefaultThreadFactory("magpie-login", true));
        // HTTP routes and static files: a few threads, a bounded queue; a full queue answers 503
        this.httpExecutor = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1_000),
                new DefaultThreadFactory("magpie-http", true), new ThreadPoolExecutor.AbortPolicy());
        this.httpExecutor.allowCoreThreadTimeOut(true);
        this.httpRoutes = new HttpRoutes(routes, httpExecutor);
        BrokerMetrics metrics = new BrokerMetrics(registry);
        this.metrics = metrics;
        this.webhooks = webhookList.isEmpty() ? null : Webhooks.of(webhookList, metrics);
        List<BrokerListener> allListeners = new ArrayList<>(eventListeners);
        if (webhooks != null) {
            allListeners.add(webhooks); // after the application's: it only enqueues, and sees what they see
        }
        EventDispatcher events = new EventDispatcher(allListeners);
        AuthorizationChain authorization = new AuthorizationChain(authorizers, (subscribe, allowed) -> {
            if (subscribe) {
                metrics.subscribeAuthorized(allowed);
            } else {
                metrics.publishAuthorized(allowed);
            }
        });
        LoginThrottle throttle = new LoginThrottle(login.freeFailures(), login.backoff(), login.maxBackoff(), login.forgetAfter(),
                login.maxTracked());
        AuthenticationChain authentication = new AuthenticationChain(authenticators, passwordChecks, settings.authenticationTimeout(),
                throttle, why -> {
                    metrics.limitHit(why.metric());
                    metrics.authentication("refused", why.name().toLowerCase(Locale.ROOT));
                }, System::nanoTime);
        this.throttle = throttle;
        SessionRegistry sessions = new SessionRegistry(limits.quotas().maxSessionsPerUser(), limits.quotas().maxSubscriptionsPerUser());
        Distributor distributor = new Distributor(authorization, limits.quotas().maxRetainedMessages(), limits.quotas().maxRetainedBytes());
        this.distributor = distributor;
        this.sysSources = new BrokerSysSources(sessions, distributor);
        SessionLifecycle lifecycle = new SessionLifecycle(settings, limits.maxQueuedBytes(), limits.quotas().maxInflightBytes(), sessions, distributor, authorization, events, metrics);
        BanList banList = new BanList();
        initialBans.forEach(banList::add);
        BrokerLimits.Flapping f = limits.flapping();
        FlappingDetector flapping = new FlappingDetector(f.maxConnects(), f.window(), f.banDuration(), f.byAddress(), banList, Clock.systemUTC());
        this.bans = new Bans(banList, this::disconnectBanned);
        this.brokerConnections = new ConnectionLimit("broker", limits.maxConnections());
        this.pipeline = new PublishPipeline(interceptors, distributor, events, metrics);
        lifecycle.pipeline(pipeline);
        EnhancedAuthentication enhanced = new EnhancedAuthentication(enhancedAuthenticators, authExecutor, settings.authenticationTimeout());
        Admission admission = new Admission(settings, capabilities, limits, banList, flapping, authentication, enhanced, sessions, lifecycle, metrics);
        FlowServices flows = new FlowServices(settings, capabilities, limits, authorization, pipeline, distributor, lifecycle, events, metrics, sessions);
        this.connections = new ConnectionServices(settings, limits, metrics, events, lifecycle, banList, admission, flows);
        this.admin = new BrokerAdmin(sessions, distributor, new AdminSessions(flows), metrics, this::listenerInfos, this::publish, bans, throttle,
                () -> sysSources.cluster());
        metrics.gauge("magpie.sessions", sessions::size);
        metrics.gauge("magpie.sessions.online", "sessions with a connection", sessions, SessionRegistry::online);
        metrics.gauge("magpie.sessions.offline", "persistent sessions kept for a client that is away", sessions,
                r -> Math.max(0, r.size() - r.online()));
        metrics.gauge("magpie.logins.pending", passwordChecks::pending);
        metrics.gauge("magpie.logins.tracked", throttle::tracked);
        metrics.gauge("magpie.subscriptions", distributor::subscriptionCount);
        metrics.gauge("magpie.retained", distributor::retainedCount);
        metrics.gauge("magpie.retained.bytes", distributor::retainedBytes);
        // sums over sessions, read from the scraping thread: a moment's view, not a synchronised one
        metrics.gauge("magpie.messages.inflight", () -> sessions.all().stream().mapToLong(Session::inflightCount).sum());
        metrics.gauge("magpie.messages.queued", () -> sessions.all().stream().mapToLong(Session::queuedCount).sum());
        metrics.gauge("magpie.messages.queued.bytes", () -> sessions.all().stream().mapToLong(Session::queuedBytes).sum());
        metrics.gauge("magpie.messages.inflight.bytes", () -> sessions.all().stream().mapToLong(Session::inflightBytes).sum());
        metrics.gauge("magpie.qos2.inbound", () -> sessions.all().stream().mapToLong(Session::inboundQos2Pending).sum());
    }

    /** Sets the number of I/O event loops (0: one per CPU); before {@link #start()}. */
    synchronized void ioThreads(int threads) {
        this.ioThreads = threads;
    }

    synchronized void transport(IoTransport chosen) {
        this.transport = chosen;
    }

    /**
     * Publishes {@code $SYS} every {@code interval} (zero: not at all) and, when {@code clientEvents} is not null (it is
     * one of the event listeners given to the constructor), the per-client events; before {@link #start()}.
     */
    synchronized void sysTopics(Duration interval, SysClientEvents clientEvents) {
        this.sysInterval = interval;
        this.sysClientEvents = clientEvents;
    }

    /** Makes this broker a cluster node over {@code backend}; before {@link #start()}. */
    synchronized void cluster(ClusterBackend backend, ClusterSettings clusterSettings) {
        this.clusterLink = new ClusterLink(backend, distributor, clusterSettings);
        ClusterLinkView view = new ClusterLinkView(clusterLink);
        health.clusterJoin(clusterLink::joinPending);    // /ready waits for the join and names its step
        this.sysSources = new BrokerSysSources(sysSources.registry(), sysSources.distributor(), Optional.of(view));
        metrics.cluster(view);
        if (backend instanceof MeterBinder binder) {
            metrics.bind(binder); // the backend's own meters (Redis command latency) on the broker's registry
        }
        // client-id ownership across nodes: the CONNECT gate claims through it, the link feeds it takeover notices
        this.clusterSessions = new ClusterSessions(backend, clusterLink, connections.admission().sessions(),
                connections.lifecycle(), clusterSettings, () -> loops.workers().next()); // loops exist once started
        clusterLink.sessionHooks(clusterSessions);
        connections.lifecycle().claims(clusterSessions);
        connections.lifecycle().persistence().forwardedBarrier(clusterLink::afterForwarded);
        clusterLink.routedDurably(connections.lifecycle().persistence()::afterRouted);
    }

    synchronized void start() {
        if (started) {
            throw new IllegalStateException("broker already started");
        }
        try {
            EventLoops.checkAvailable(transport);
        } catch (BrokerException e) {
            stop(); // never started: releases the threads made for it, as every failed start does
            throw e;
        }
        started = true;
        health.phase(BrokerHealth.Phase.STARTING);
        openMetricsPort();
        try {
            openStore();
        } catch (BrokerException e) {
            closeMetrics();
            throw e;
        }
        loops = new EventLoops(EventLoops.threadsFor(ioThreads), transport);
        loopLag = EventLoopLag.start(loops.workers(), metrics);
        health.loopLag(loopLag);
        try {
            restoreSessions();
            joinCluster();
            for (Listener listener : listeners) {
                ListenerBinding binding = ListenerBinding.bind(listener, connections, loops, httpRoutes, brokerConnections);
                bindings.add(binding);
                health.bound(bindings);
                InetSocketAddress a = binding.address();
                LOG.info("listener {} ({}) accepting MQTT on {}:{} via {}{}", listener.name(), listener.kind().name().toLowerCase(),
                        a.getHostString(), a.getPort(), loops.transportName(), listener.allowAnonymous() ? ", anonymous clients allowed" : "");
            }
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        admin.started(java.time.Instant.now());
        startSysTopics();
        purge = loops.workers().next().scheduleAtFixedRate(() -> {
            connections.bans().purgeExpired();
            connections.admission().flapping().purge(System.nanoTime());
            throttle.purge(System.nanoTime());
        }, PURGE_SECONDS, PURGE_SECONDS, TimeUnit.SECONDS);
        health.phase(BrokerHealth.Phase.RUNNING);
    }

    /** Serves /metrics, /health and /ready (see {@code Broker.Builder.metrics}); before {@link #start()}. */
    synchronized void metricsEndpoint(MetricsEndpoint endpoint) {
        this.metricsEndpoint = endpoint;
        endpoint.watch(health);
    }

    /** First of all at start, so that /ready says "starting" while the store opens and the listeners bind. */
    private void openMetricsPort() {
        if (metricsEndpoint == null) {
            return;
        }
        try {
            metricsEndpoint.open();
        } catch (UncheckedIOException e) {
            stopped = true;
            health.phase(BrokerHealth.Phase.STOPPED);
            authExecutor.shutdownNow();
            passwordChecks.shutdownNow();
            httpExecutor.shutdownNow();
            closeMetrics();
            throw new BrokerException(e.getMessage(), e);
        }
    }

    private void closeMetrics() {
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
    }

    InetSocketAddress metricsAddress() {
        return Optional.ofNullable(metricsEndpoint).flatMap(MetricsEndpoint::loopbackAddress).orElseThrow(() -> new IllegalStateException(
                "no metrics port: give Broker.Builder.metrics(MetricsSettings.defaults().withLoopbackPort(...)) and start the broker"));
    }

    /** The $SYS publisher on one event loop, publishing as the broker itself, and the client events' target. */
    private void startSysTopics() {
        if (sysClientEvents != null) {
            sysClientEvents.publishTo(pipeline::publishStatus);
        }
        if (!sysInterval.isZero()) {
            sysPublisher = new SysTopicPublisher(sysInterval, metrics, sysSources, pipeline::publishStatus, System::nanoTime,
                    Instant.now());
            sysPublisher.start(loops.workers().next());
        }
    }

    /**
     * Opens the configured store and loads what it kept, before any listener is bound, so the first client
     * already sees the retained messages of the last run.
     *
     * @throws BrokerException if the store cannot be opened or read (the message names the file and what to do)
     */
    private void openStore() {
        try {
            store = storeChoice.open();
            int restored = distributor.restoreRetained(store, problem -> LOG.warn("{}: a retained message is skipped: {}", store, problem));
            if (storeChoice.dataDirectory() != null || restored > 0) {
                LOG.info("{}: {} retained messages restored", store, restored);
            }
        } catch (StoreException e) {
            closeStore();
            authExecutor.shutdownNow();
            passwordChecks.shutdownNow();
            httpExecutor.shutdownNow();
            stopped = true;
            throw new BrokerException(e.getMessage(), e);
        }
        if (store instanceof SqliteMessageStore sqlite) {
            // monotonic counts are counters (_total in Prometheus, so rate() works); the backlog is a gauge
            metrics.functionCounter("magpie.store.dropped.writes", "store writes refused because the write queue was full", sqlite,
                    SqliteMessageStore::droppedWrites);
            metrics.functionCounter("magpie.store.failed.writes", "store writes that failed in SQL and are lost", sqlite,
                    SqliteMessageStore::failedWrites);
            metrics.gauge("magpie.store.queued.writes", "store writes waiting for the writer thread (the backlog)", sqlite,
                    SqliteMessageStore::queuedWrites);
            metrics.functionCounter("magpie.store.commits", "store transactions committed", sqlite, SqliteMessageStore::commits);
            sqlite.onCommit(metrics::storeCommitted);
        }
        health.storeLoaded(store);
    }

    /** Brings back the persistent sessions, on the new event loops, before any listener is bound. */
    private void restoreSessions() {
        try {
            // a cluster node's sessions journal to its store and to their copies in the cluster store: the next owner
            // must know whatever they sent or acknowledged, so they always wait for those commits
            MessageStore sessionStore = clusterSessions == null ? store : clusterSessions.storeOver(store);
            if ((storeChoice.durableAcks() && store != MessageStore.none()) || clusterSessions != null) {
                // before the sessions come back: they journal with the commit-before-send rule from the start
                connections.lifecycle().persistence().durableAcknowledgements(loops.workers());
            }
            int restored = connections.lifecycle().restore(sessionStore, () -> loops.workers().next());
            if (storeChoice.dataDirectory() != null || restored > 0) {
                LOG.info("{}: {} persistent sessions restored", store, restored);
            }
        } catch (StoreException e) {
            throw new BrokerException(e.getMessage(), e);
        }
    }

    /** Joins the cluster with the restored sessions' routes, before any listener is bound. */
    private void joinCluster() {
        if (clusterLink != null) {
            try {
                clusterLink.start();
            } catch (ClusterException e) {
                throw new BrokerException(e.getMessage() + "; check that the cluster's Redis is reachable", e);
            }
        }
    }

    private void closeStore() {
        if (store != null && storeChoice.owned()) {
            store.close();
        }
    }

    Bans bans() {
        return bans;
    }

    BrokerAdmin admin() {
        return admin;
    }

    /** The bound listeners, for {@link BrokerAdmin#listeners()}. */
    private synchronized List<ListenerInfo> listenerInfos() {
        List<ListenerInfo> out = new ArrayList<>();
        for (ListenerBinding b : bindings) {
            Listener l = b.listener();
            InetSocketAddress a = b.address();
            out.add(new ListenerInfo(l.name(), l.kind().name().toLowerCase(java.util.Locale.ROOT), a.getAddress() == null ? a.getHostString()
                    : a.getAddress().getHostAddress(), a.getPort(), l.kind().isSecure(),
                    l.kind().isWebSocket() ? l.webSocket().paths() : List.of(), l.allowAnonymous()));
        }
        return out;
    }

    /**
     * Disconnects the connected clients {@code ban} matches: 0x98 Administrative action for 5.0 (0x8A Banned is
     * a CONNACK code only), a plain close for 3.x. Each connection decides on its own event loop.
     */
    private synchronized void disconnectBanned(Ban ban) {
        Predicate<ClientInfo> matches = matcher(ban);
        for (ListenerBinding b : bindings) {
            for (Channel ch : b.connections()) {
                MqttConnection connection = ch.pipeline().get(MqttConnection.class);
                if (connection != null) {
                    connection.disconnectIf(matches, ReasonCode.ADMINISTRATIVE_ACTION, "banned: " + ban);
                }
            }
        }
    }

    private static Predicate<ClientInfo> matcher(Ban ban) {
        return switch (ban.kind()) {
            case CLIENT_ID -> client -> ban.value().equals(client.clientId());
            case USERNAME -> client -> ban.value().equals(client.username());
            case ADDRESS -> {
                AddressRange range = AddressRange.parse(ban.value());
                yield client -> client.remoteAddress() != null && client.remoteAddress().getAddress() != null
                        && range.contains(client.remoteAddress().getAddress());
            }
        };
    }

    synchronized InetSocketAddress boundAddress(String listenerName) {
        for (ListenerBinding b : bindings) {
            if (b.listener().name().equals(listenerName)) {
                return b.address();
            }
        }
        throw new IllegalArgumentException("no bound listener named '" + listenerName + "'");
    }

    void publish(Message message) {
        pipeline.publishFromServer(message);
    }

    ConnectionServices connections() {
        return connections;
    }

    synchronized void stop() {
        if (stopped || !started) {
            stopped = true;
            health.phase(BrokerHealth.Phase.STOPPED);
            authExecutor.shutdownNow();
            passwordChecks.shutdownNow();
            httpExecutor.shutdownNow();
            closeWebhooks();
            if (clusterLink != null) {
                clusterLink.stop();
            }
            closeMetrics();
            return;
        }
        stopped = true;
        health.phase(BrokerHealth.Phase.STOPPING);
        if (sysPublisher != null) {
            sysPublisher.stop();
        }
        if (purge != null) {
            purge.cancel(false);
        }
        connections.lifecycle().shuttingDown();
        for (ListenerBinding b : bindings) {
            b.unbind();
        }
        for (ListenerBinding b : bindings) {
            for (Channel ch : b.connections()) {
                MqttConnection connection = ch.pipeline().get(MqttConnection.class);
                if (connection != null) {
                    connection.disconnect(ReasonCode.SERVER_SHUTTING_DOWN, "server shutting down");
                } else {
                    ch.close();
                }
            }
        }
        for (ListenerBinding b : bindings) {
            b.connections().newCloseFuture().awaitUninterruptibly(SHUTDOWN_GRACE_MILLIS);
            b.connections().close().awaitUninterruptibly(SHUTDOWN_GRACE_MILLIS);
        }
        if (clusterLink != null) {
            clusterLink.stop();
        }
        loops.shutdown(SHUTDOWN_GRACE_MILLIS);
        authExecutor.shutdownNow();
        passwordChecks.shutdownNow();
        httpExecutor.shutdownNow();
        closeStore(); // after the event loops: every change they made is queued, and is written now
        closeWebhooks(); // after the connections: their disconnected events are queued, and get the grace to go out
        if (loopLag != null) {
            loopLag.close();
        }
        health.phase(BrokerHealth.Phase.STOPPED);
        closeMetrics(); // last: /ready said "stopping" until now
        LOG.info("broker stopped");
    }

    private void closeWebhooks() {
        if (webhooks != null) {
            webhooks.close(WEBHOOK_GRACE);
        }
    }
}
