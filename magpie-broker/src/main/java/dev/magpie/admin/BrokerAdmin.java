package dev.magpie.admin;

import dev.magpie.Bans;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.ClusterView;
import dev.magpie.observe.TrafficCounters;
import dev.magpie.protocol.AdminSessions;
import dev.magpie.routing.Distributor;
import dev.magpie.routing.RetainedMessage;
import dev.magpie.security.acl.TopicFilters;
import dev.magpie.security.throttle.AddressKey;
import dev.magpie.security.throttle.LoginThrottle;
import dev.magpie.session.ConnectionTerms;
import dev.magpie.session.Session;
import dev.magpie.session.SessionRegistry;
import dev.magpie.session.SessionSubscription;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Message;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Administers a running broker: what the REST API ({@code /api/v1}) does, for applications that embed the broker.
 *
 * <pre>{@code
 * BrokerAdmin admin = broker.admin();
 * Page<ClientSummary> page = admin.clients(ClientFilter.all().connected().user("alice"), 0, 50);
 * admin.client("sensor-7").ifPresent(d -> System.out.println(d.subscriptions()));
 * admin.kick("sensor-7", false);                       // 5.0 clients get DISCONNECT 0x98
 * admin.subscribe("dashboard", "alerts/#", 1);         // as if the client had subscribed
 * admin.retained("config/#").forEach(r -> System.out.println(r.topic()));
 * admin.deleteRetained("config/old");
 * }</pre>
 *
 * <p><b>Threads:</b> all methods are thread-safe. Those that act on one session wait (up to
 * {@value #WAIT_SECONDS} s) for the session's event loop to do the work, so call them from application or HTTP
 * threads, never from a broker callback running on an event loop. Listings are a moment's view: a client may
 * connect while one is made.
 */
public final class BrokerAdmin {
    /** How many in-flight and queued messages {@link #client} lists at most, each. */
    public static final int MESSAGE_LIST_LIMIT = 100;
    static final long WAIT_SECONDS = 5;

    private final SessionRegistry sessions;
    private final Distributor distributor;
    private final AdminSessions actions;
    private final BrokerMetrics metrics;
    private final Supplier<List<ListenerInfo>> listeners;
    private final Consumer<Message> publisher;
    private final Bans bans;
    private final LoginThrottle throttle;
    private volatile Instant startedAt = Instant.now();
    private final Supplier<Optional<ClusterView>> cluster;

    /** Made by the broker; applications get theirs from {@code Broker.admin()}. */
    public BrokerAdmin(SessionRegistry sessions, Distributor distributor, AdminSessions actions, BrokerMetrics metrics,
                       Supplier<List<ListenerInfo>> listeners, Consumer<Message> publisher, Bans bans, LoginThrottle throttle,
                       Supplier<Optional<ClusterView>> cluster) {
        this.cluster = cluster;
        this.sessions = sessions;
        this.distributor = distributor;
        this.actions = actions;
        this.metrics = metrics;
        this.listeners = listeners;
        this.publisher = publisher;
        this.bans = bans;
        this.throttle = throttle;
    }

    /**
     * This node's view of its cluster (members with their leases, remote filters, cross-node counts); empty for a
     * broker that is not a cluster node. Read from the cluster link's memory, never from Redis.
     */
    public Optional<ClusterView> cluster() {
        return cluster.get();
    }

    /** Called by the broker when it has started. */
    public void started(Instant when) {
        this.startedAt = when;
    }

    /** When the broker started. */
    public Instant startedAt() {
        return startedAt;
    }

    /** The sessions {@code filter} accepts, sorted by client id, page {@code page} (from 0) of {@code size}. */
    public Page<ClientSummary> clients(ClientFilter filter, int page, int size) {
        Objects.requireNonNull(filter, "filter");
        List<ClientSummary> all = new ArrayList<>();
        for (Session s : sessions.all()) {
            if (s.isEnded()) {
                continue;
            }
            ClientSummary c = summary(s);
            if (filter.accepts(c)) {
                all.add(c);
            }
        }
        all.sort(Comparator.comparing(ClientSummary::clientId));
        return Page.of(all, page, size);
    }

    /** The session of {@code clientId} in detail, if there is one. */
    public Optional<ClientDetails> client(String clientId) {
        Optional<Session> found = live(clientId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Session s = found.get();
        return Optional.ofNullable(await(actions.read(s, x -> x.isEnded() ? null
                : new ClientDetails(summary(x), subscriptionsOf(x), x.inflightSummary(MESSAGE_LIST_LIMIT), x.queuedSummary(MESSAGE_LIST_LIMIT)))));
    }

    /** The subscriptions of {@code clientId}'s session, if there is one. */
    public Optional<List<SubscriptionInfo>> subscriptionsOf(String clientId) {
        return client(clientId).map(ClientDetails::subscriptions);
    }

    /** Every subscription whose filter contains {@code contains} (null or empty: all), sorted by client id then filter. */
    public List<SubscriptionInfo> subscriptions(String contains) {
        List<CompletableFuture<List<SubscriptionInfo>>> reads = new ArrayList<>();
        for (Session s : sessions.all()) {
            if (!s.isEnded()) {
                reads.add(actions.read(s, BrokerAdmin::subscriptionsOf));
            }
        }
        List<SubscriptionInfo> all = new ArrayList<>();
        for (CompletableFuture<List<SubscriptionInfo>> r : reads) {
            for (SubscriptionInfo i : await(r)) {
                if (contains == null || contains.isEmpty() || i.filter().contains(contains)) {
                    all.add(i);
                }
            }
        }
        all.sort(Comparator.comparing(SubscriptionInfo::clientId).thenComparing(SubscriptionInfo::filter));
        return all;
    }

    /**
     * Disconnects the client connected with {@code clientId}: DISCONNECT 0x98 Administrative action for 5.0, a
     * closed connection for 3.x (its will is published, as for any connection the server closes). With
     * {@code deleteSession} its session ends too. Returns false if no client was connected with that id.
     */
    public boolean kick(String clientId, boolean deleteSession) {
        Optional<Session> s = live(clientId);
        return s.isPresent() && await(actions.kick(s.get(), deleteSession));
    }

    /** What {@link #deleteSession} did. */
    public enum SessionDeletion {
        /** The offline session is gone. */
        DELETED,
        /** A client is connected with it: nothing done (kick it with {@code deleteSession}). */
        CONNECTED,
        /** There is no such session. */
        NOT_FOUND
    }

    /** Ends the offline session of {@code clientId}: its subscriptions and queued messages are dropped, here and in the store. */
    public SessionDeletion deleteSession(String clientId) {
        Optional<Session> s = live(clientId);
        if (s.isEmpty()) {
            return SessionDeletion.NOT_FOUND;
        }
        return switch (await(actions.delete(s.get()))) {
            case DELETED -> SessionDeletion.DELETED;
            case CONNECTED -> SessionDeletion.CONNECTED;
            case GONE -> SessionDeletion.NOT_FOUND;
        };
    }

    /** {@link #subscribe(String, String, int, boolean, boolean, int)} without the 5.0 options (Retain Handling 0). */
    public Optional<Integer> subscribe(String clientId, String filter, int qos) {
        return subscribe(clientId, filter, qos, false, false, 0);
    }

    /**
     * Subscribes {@code clientId}'s session to {@code filter} as if its client had sent a SUBSCRIBE (without asking
     * the ACL): persisted for a persistent session, retained messages sent as Retain Handling says. Returns the
     * granted QoS, or empty if there is no such session.
     *
     * @throws IllegalArgumentException if the filter or an option is invalid
     */
    public Optional<Integer> subscribe(String clientId, String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
        Objects.requireNonNull(filter, "filter");
        Optional<Session> s = live(clientId);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(await(actions.subscribe(s.get(), new Subscription(filter, qos, noLocal, retainAsPublished, retainHandling))));
    }

    /** Removes {@code clientId}'s subscription to {@code filter}; returns whether there was one. */
    public boolean unsubscribe(String clientId, String filter) {
        Optional<Session> s = live(clientId);
        return s.isPresent() && await(actions.unsubscribe(s.get(), filter));
    }

    /** The retained messages whose topics match the MQTT filter {@code filter}, sorted by topic. */
    public List<RetainedInfo> retained(String filter) {
        String problem = TopicFilters.problem(filter);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        List<RetainedInfo> out = new ArrayList<>();
        long nowNanos = System.nanoTime();
        Instant now = Instant.now();
        for (RetainedMessage m : distributor.retainedMatching(filter)) {
            out.add(info(m, nowNanos, now));
        }
        out.sort(Comparator.comparing(RetainedInfo::topic));
        return out;
    }

    /** The retained message of {@code topic}, if there is one. */
    public Optional<RetainedInfo> retainedMessage(String topic) {
        return distributor.retainedOn(topic).map(m -> info(m, System.nanoTime(), Instant.now()));
    }

    /** Deletes the retained message of {@code topic} (nothing is sent to subscribers); returns whether there was one. */
    public boolean deleteRetained(String topic) {
        return distributor.clearRetained(topic);
    }

    /**
     * Topics the broker knows that match {@code filter}: those with a retained message, and the filters sessions
     * subscribed to that {@code filter} covers, each with how many sessions subscribed to exactly it; sorted.
     */
    public List<TopicInfo> topics(String filter) {
        String problem = TopicFilters.problem(filter);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Map<String, int[]> counts = new TreeMap<>();
        Map<String, Boolean> retained = new TreeMap<>();
        for (RetainedMessage m : distributor.retainedMatching(filter)) {
            retained.put(m.publish().topic(), true);
            counts.putIfAbsent(m.publish().topic(), new int[1]);
        }
        for (SubscriptionInfo s : subscriptions(null)) {
            String f = s.shareGroup() == null ? s.filter() : s.filter().substring(s.filter().indexOf('/', "$share/".length()) + 1);
            if (TopicFilters.covers(filter, f) || counts.containsKey(f)) {
                counts.computeIfAbsent(f, k -> new int[1])[0]++;
            }
        }
        List<TopicInfo> out = new ArrayList<>();
        counts.forEach((topic, n) -> out.add(new TopicInfo(topic, retained.containsKey(topic), n[0])));
        return out;
    }

    /** Publishes as the broker: through the interceptors, routed like a client's PUBLISH, retained if asked. */
    public void publish(Message message) {
        publisher.accept(Objects.requireNonNull(message, "message"));
    }

    /** The broker's ban list. */
    public Bans bans() {
        return bans;
    }

    /** The bound listeners. */
    public List<ListenerInfo> listeners() {
        return listeners.get();
    }

    /** Counters now. */
    public BrokerStats stats() {
        int online = 0;
        int offline = 0;
        for (Session s : sessions.all()) {
            if (s.isEnded()) {
                continue;
            }
            if (s.isOnline()) {
                online++;
            } else {
                offline++;
            }
        }
        TrafficCounters.Snapshot traffic = metrics.traffic().snapshot();
        return new BrokerStats(Instant.now(), startedAt, metrics.openConnections(), online, offline, traffic.publishReceived(),
                metrics.messagesDeliveredTotal(), traffic.publishDropped(), traffic.bytesReceived(), traffic.bytesSent(),
                distributor.subscriptionCount(), distributor.retainedCount(),
                distributor.retainedBytes());
    }

    /**
     * The failed-login throttle MQTT logins go through, for other ways in (the REST API's password logins), so
     * they are no side door for password guessing: how long {@code username} from {@code address} must wait
     * before its next try, if it must.
     */
    public Optional<Duration> loginRefusal(InetAddress address, String username) {
        return throttle.refusal(AddressKey.of(address), username, System.nanoTime());
    }

    /** Records a failed password login (see {@link #loginRefusal}); returns the wait it starts, if any. */
    public Optional<Duration> loginFailed(InetAddress address, String username) {
        return throttle.failed(AddressKey.of(address), username, System.nanoTime());
    }

    /** Records a successful password login (see {@link #loginRefusal}). */
    public void loginSucceeded(InetAddress address, String username) {
        throttle.succeeded(AddressKey.of(address), username, System.nanoTime());
    }

    private Optional<Session> live(String clientId) {
        return sessions.find(Objects.requireNonNull(clientId, "clientId")).filter(s -> !s.isEnded());
    }

    private static List<SubscriptionInfo> subscriptionsOf(Session s) {
        List<SubscriptionInfo> out = new ArrayList<>();
        for (SessionSubscription sub : s.subscriptions().values()) {
            Subscription o = sub.options();
            String group = null;
            if (Distributor.isShared(o.filter())) {
                int slash = o.filter().indexOf('/', "$share/".length());
                group = o.filter().substring("$share/".length(), slash < 0 ? o.filter().length() : slash);
            }
            out.add(new SubscriptionInfo(s.clientId(), o.filter(), o.qos(), o.noLocal(), o.retainAsPublished(), o.retainHandling(), group));
        }
        return out;
    }

    private static ClientSummary summary(Session s) {
        ClientInfo info = s.clientInfo();
        ConnectionTerms terms = s.connectionTerms();
        String address = null;
        String protocol = null;
        if (info != null) {
            InetSocketAddress remote = info.remoteAddress();
            address = remote == null ? null : remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
            protocol = switch (info.protocolLevel()) {
                case 3 -> "3.1";
                case 4 -> "3.1.1";
                case 5 -> "5.0";
                default -> String.valueOf(info.protocolLevel());
            };
        }
        return new ClientSummary(s.clientId(), s.owner(), address, s.isOnline(), protocol, terms == null ? null : terms.connectedAt(),
                terms == null ? 0 : terms.keepAliveSeconds(), terms != null && terms.cleanStart(), s.expirySeconds(),
                s.subscriptions().size(), s.inflightCount(), s.queuedCount());
    }

    private static RetainedInfo info(RetainedMessage m, long nowNanos, Instant now) {
        return new RetainedInfo(m.publish().topic(), m.publish().qos(), m.publish().payload(), now.minusNanos(Math.max(0, nowNanos - m.storedNanos())));
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not answer within " + WAIT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
