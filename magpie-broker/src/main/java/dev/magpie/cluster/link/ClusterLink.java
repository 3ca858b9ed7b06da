package dev.magpie.cluster.link;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.ClusterEvents;
import dev.magpie.cluster.ClusterException;
import dev.magpie.cluster.ClusterSettings;
import dev.magpie.cluster.InboxHandler;
import dev.magpie.cluster.InboxMessage;
import dev.magpie.cluster.LeaseWatcher;
import dev.magpie.cluster.MessageStamp;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.NodeLease;
import dev.magpie.cluster.RemoteRoutes;
import dev.magpie.cluster.RetainedEntry;
import dev.magpie.cluster.RouteDelta;
import dev.magpie.routing.Distributor;
import dev.magpie.routing.SubscriptionTree;
import dev.magpie.session.Publication;
import dev.magpie.session.PublishStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker's place in a cluster: its distinct local filters and shared group keys become its routes, a publication
 * matching another node's plain routes is sent once to that node's inbox, a shared group with no member here is given
 * to one node that has members ({@link SharedRoutes}), and what arrives in this node's inbox goes to the local
 * subscribers and named groups only (never forwarded again, except a shared message whose group lost its members
 * here, handed on at most twice). Retained messages are kept in step by {@link ClusterRetained}. Event loops only
 * enqueue: route changes ({@link LocalRoutes}) and outgoing messages ({@link Outgoing}) are sent from the link's own
 * thread, batched per destination per turn, in order, resent with the same sequence numbers after a failure (the
 * receiver drops duplicates). Topics starting with '$' stay on their node ($SYS is per node).
 *
 * <pre>{@code
 * ClusterLink link = new ClusterLink(backend, distributor, ClusterSettings.defaults()); // before sessions are restored
 * link.start();                                               // before listeners are bound
 * ...
 * link.stop();
 * }</pre>
 */
public final class ClusterLink implements ClusterEvents, InboxHandler, Distributor.FilterWatcher, Distributor.Forwarder {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterLink.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    /** A shared message handed on this often (its group lost its members meanwhile, twice) is dropped and counted. */
    private static final int MAX_HOPS = 2;

    /**
     * First byte of an inbox message that is not a forwarded PUBLISH but a note between nodes about sessions (a
     * takeover): handed to the {@link SessionHooks}, never to the distributor.
     */
    public static final byte CONTROL = 0x7F;

    /**
     * What the cluster's session side ({@code dev.magpie.cluster.session}) hears through the link: control messages
     * from peers, and the lease watcher's news. Called on the backend's or the watcher's thread; must not block.
     */
    public interface SessionHooks {
        void onControl(InboxMessage message);

        void onNodeDead(NodeIdentity dead, boolean restarted, boolean cleanupIsMine);

        void onLeaseLost();

        /** The connection to the store is back (also after a store restart): what was done without it can be checked. */
        default void onStoreBack() {
        }
    }

    private volatile SessionHooks sessionHooks;

    private final ClusterBackend backend;
    private final Distributor distributor;
    /** The lease TTL and the member poll derived from it ({@link ClusterSettings#memberPoll()}). */
    private final ClusterSettings settings;
    private final RemoteRoutes remoteRoutes;
    private final ClusterRetained retained;
    /** Peers' shared group keys: which node serves the next message of a group none of this node's members is in. */
    private final SharedRoutes sharedRoutes = new SharedRoutes();
    /** Remote filters keyed (filter, node id): matched like local subscriptions, wildcards never leave the node. */
    private final SubscriptionTree<String> remoteTree = new SubscriptionTree<>();
    private final ScheduledExecutorService thread;
    private final LocalRoutes localRoutes;
    /** The messages for other nodes' inboxes, batched and resent on {@link #thread}. */
    private final Outgoing outgoing;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();
    /** The last {@link MessageStamp#seq} given to a publication routed here first. */
    private final AtomicLong stamps = new AtomicLong();
    private volatile boolean started;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile LeaseWatcher watcher;
    /** What {@link #start()} is waiting for (for {@code /ready}); null once the node has joined. */
    private volatile String joining = "has not joined yet";
    /** The members as last polled, for the cluster's meters, $SYS and the admin API (observability, not routing). */
    private volatile List<NodeLease> lastMembers = List.of();
    private volatile java.util.function.Consumer<Runnable> routedDurably = Runnable::run;

    /** Where control messages and lease news go; before {@link #start()}. */
    public void sessionHooks(SessionHooks hooks) {
        this.sessionHooks = hooks;
    }

    /**
     * Sends a {@link #CONTROL} message to {@code nodeId}'s inbox, in order with the forwarded publishes (same queue,
     * same numbering, same resends).
     */
    public void sendControl(String nodeId, byte[] body) {
        if (body.length == 0 || body[0] != CONTROL) {
            throw new IllegalArgumentException("a control message starts with ClusterLink.CONTROL");
        }
        outgoing.offerAlways(nodeId, body);
        scheduleFlush();
    }

    /**
     * Runs {@code then} once every message queued for other nodes so far is in the cluster store (or was given up
     * after the last attempt): a publisher's PUBACK/PUBREC waits for it, so what it acknowledged survives this node's
     * death. At once when nothing is queued.
     */
    public void afterForwarded(Runnable then) {
        outgoing.afterSent(then);
    }

    /**
     * How to wait until what was just routed is committed where the next owner of each session finds it (the
     * sessions' stores and copies, {@code SessionPersistence.afterRouted}); an inbox batch is acknowledged only then.
     * Set once during assembly; by default nothing waits.
     */
    public void routedDurably(java.util.function.Consumer<Runnable> barrier) {
        this.routedDurably = barrier;
    }

    /** Runs {@code then} once what this thread routed so far is committed (see {@link #routedDurably}). */
    public void afterRouted(Runnable then) {
        routedDurably.accept(then);
    }

    /** A link with {@link ClusterSettings#defaults()}: a 6 s lease, members polled every second. */
    public ClusterLink(ClusterBackend backend, Distributor distributor) {
        this(backend, distributor, ClusterSettings.defaults());
    }

    /** A link whose lease lives {@code settings.leaseTtl()} and whose member poll is {@code settings.memberPoll()}. */
    public ClusterLink(ClusterBackend backend, Distributor distributor, ClusterSettings settings) {
        this.backend = backend;
        this.distributor = distributor;
        this.settings = settings;
        this.remoteRoutes = new RemoteRoutes(backend.self(), backend::loadRoutes, this::remoteChanged);
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread worker = new Thread(runnable, "magpie-cluster-link-" + backend.self().nodeId());
            worker.setDaemon(true);
            return worker;
        });
        this.outgoing = new Outgoing(backend, thread, this::scheduleFlush);
        this.localRoutes = new LocalRoutes(backend, thread, distributor::localFilters);
        distributor.cluster(this, this);
        this.retained = new ClusterRetained(backend, distributor, thread);
        distributor.clusterRetained(retained::localChange);
    }

    /**
     * Connects, publishes the local routes in full and starts the lease. Blocks (at broker start, never on an event
     * loop) up to 15 s.
     *
     * @throws ClusterException when the cluster store cannot be reached
     */
    public void start() {
        try {
            joining = "is connecting to the cluster store";
            backend.start(this, this).toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            joining = "is publishing its routes";
            backend.replaceRoutes(distributor.localFilters()).toCompletableFuture()
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            // the first client must already see the cluster's retained messages (onConnected started the read)
            joining = "is loading the cluster's retained messages";
            retained.firstSync().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            joining = "could not join: interrupted";
            throw new ClusterException("interrupted while joining the cluster", e);
        } catch (Exception e) {
            String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            joining = "could not join: " + reason;
            throw new ClusterException("cluster node " + backend.self() + " could not join: " + reason, e);
        }
        joining = null;
        started = true;
        watcher = LeaseWatcher.start(backend, settings.leaseTtl(), settings.memberPoll(), new LeaseWatcher.Listener() {
            @Override
            public void onNodeDead(NodeIdentity dead, boolean restarted, boolean cleanupIsMine) {
                LOG.info("cluster node {}: {} {}{}", backend.self(), dead, restarted ? "restarted" : "lost its lease",
                        cleanupIsMine ? "; this node cleans up after it" : "");
                if (!restarted) {
                    remoteRoutes.remove(dead.nodeId());
                }
                SessionHooks hooks = sessionHooks;
                if (hooks != null) {
                    hooks.onNodeDead(dead, restarted, cleanupIsMine);
                } else if (cleanupIsMine) {
                    backend.forget(dead); // with session hooks, they forget the node once its sessions are handled
                }
            }

            @Override
            public void onLeaseLost() {
                LOG.warn("cluster node {}: its lease had expired; peers may have taken its clients over", backend.self());
                SessionHooks hooks = sessionHooks;
                if (hooks != null) {
                    hooks.onLeaseLost();
                }
                localRoutes.republish(); // a cleanup winner may have forgotten this node's routes meanwhile
            }

            @Override
            public void onRenewedAgain() {
                SessionHooks hooks = sessionHooks;
                if (hooks != null) {
                    hooks.onStoreBack(); // also when the store came back without a reconnect of the subscription
                }
            }

            @Override
            public void onMembers(List<NodeLease> members) {
                lastMembers = List.copyOf(members);
                remoteRoutes.check(members);
            }
        });
        scheduleFlush();
        LOG.info("cluster node {} joined with {} local routes", backend.self(), distributor.localFilters().size());
    }

    // ---- routes: local side ----

    @Override
    public void firstSubscriber(String filter) {
        localRoutes.changed(filter, true);
        scheduleFlush();
    }

    @Override
    public void lastSubscriberGone(String filter) {
        localRoutes.changed(filter, false);
        scheduleFlush();
    }

    // ---- routes: remote side ----

    @Override
    public void onRouteDelta(RouteDelta delta) {
        remoteRoutes.apply(delta);
    }

    @Override
    public void onConnected() {
        remoteRoutes.resyncAll(remoteRoutes.all().keySet());
        retained.resync();
        SessionHooks hooks = sessionHooks;
        if (hooks != null && started) {
            hooks.onStoreBack();
        }
    }

    // ---- retained messages ----

    @Override
    public void onRetainedSet(RetainedEntry entry) {
        retained.announcedSet(entry);
    }

    @Override
    public void onRetainedDeleted(String topic, long version) {
        retained.announcedDelete(topic, version);
    }

    /** Retained messages from other nodes that this node's {@code max_retained_*} bound refused. */
    public long retainedRejectedCount() {
        return retained.rejectedCount();
    }

    private void remoteChanged(String nodeId, Set<String> before, Set<String> after) {
        for (String filter : before) {
            if (!after.contains(filter) && Distributor.isShared(filter)) {
                sharedRoutes.removed(filter, nodeId);
            } else if (!after.contains(filter)) {
                remoteTree.remove(filter, nodeId);
            }
        }
        for (String filter : after) {
            if (!before.contains(filter) && Distributor.isShared(filter)) {
                sharedRoutes.added(filter, nodeId);
            } else if (!before.contains(filter)) {
                remoteTree.put(filter, nodeId, nodeId);
            }
        }
    }

    // ---- delivery: out ----

    @Override
    public void stamp(Publication publication) {
        if (publication.stamp() == null) {
            publication.stamp(new MessageStamp(backend.self(), stamps.incrementAndGet()));
        }
    }

    @Override
    public int forward(Publication publication) {
        String topic = publication.publish().topic();
        if (!started || topic.startsWith("$") || (remoteTree.isEmpty() && sharedRoutes.isEmpty())) {
            return 0;
        }
        Set<String> plainNodes = new LinkedHashSet<>(2);
        remoteTree.match(topic, (nodeId, filter, value) -> plainNodes.add(nodeId));
        // a group with a member here is served here (local members first); the others by one node each
        Map<String, List<String>> shared = sharedRoutes.isEmpty() ? Map.of()
                : sharedRoutes.choose(topic, distributor::hasSharedGroup, Set.of());
        if (plainNodes.isEmpty() && shared.isEmpty()) {
            return 0;
        }
        long now = System.currentTimeMillis();
        byte[] plainBody = null;
        Set<String> nodes = new LinkedHashSet<>(plainNodes);
        nodes.addAll(shared.keySet());
        for (String nodeId : nodes) {
            List<String> groups = shared.getOrDefault(nodeId, List.of());
            byte[] body;
            if (groups.isEmpty()) {
                plainBody = plainBody != null ? plainBody
                        : ForwardedPublish.encode(publication.publish(), publication.originClientId(), now, publication.stamp());
                body = plainBody;
            } else {
                body = ForwardedPublish.encode(publication.publish(), publication.originClientId(), now,
                        plainNodes.contains(nodeId), groups, 0, publication.stamp());
            }
            enqueue(nodeId, body, publication.publish().qos());
        }
        scheduleFlush();
        return nodes.size();
    }

    private void enqueue(String nodeId, byte[] body, int qos) {
        outgoing.offer(nodeId, body, qos);
    }

    /**
     * A shared message arrived for groups that lost their members here meanwhile: hands it to another node with
     * members (not back to this one, nor to its sender when another is left), or drops and counts it past
     * {@link #MAX_HOPS}.
     */
    private void handOn(ForwardedPublish forwarded, List<String> unserved, String fromNodeId) {
        String self = backend.self().nodeId();
        Set<String> groups = Set.copyOf(unserved);
        Map<String, List<String>> chosen = forwarded.hops() >= MAX_HOPS ? Map.of()
                : sharedRoutes.choose(forwarded.publish().topic(), groupKey -> !groups.contains(groupKey),
                        Set.of(self, fromNodeId));
        int handed = 0;
        for (Map.Entry<String, List<String>> target : chosen.entrySet()) {
            if (target.getKey().equals(self)) {
                continue;
            }
            enqueue(target.getKey(), ForwardedPublish.encode(forwarded.publish(), forwarded.originClientId(),
                    forwarded.stored().storedAtMillis(), false, target.getValue(), forwarded.hops() + 1, forwarded.stamp()),
                    forwarded.publish().qos());
            handed += target.getValue().size();
        }
        if (handed < unserved.size()) {
            outgoing.droppedElsewhere(unserved.size() - handed);
            LOG.debug("cluster node {}: a message on {} for {} shared group(s) without members anywhere dropped",
                    backend.self(), forwarded.publish().topic(), unserved.size() - handed);
        }
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (started && flushScheduled.compareAndSet(false, true)) {
            try {
                thread.execute(this::flush);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping: what is left is not sent (the node leaves; its routes go with it)
            }
        }
    }

    /** One turn of the link thread: route changes, then one batch per destination not already sending. */
    private void flush() {
        flushScheduled.set(false);
        localRoutes.publish();
        outgoing.sendBatches();
    }

    // ---- delivery: in ----

    @Override
    public CompletionStage<Void> handle(List<InboxMessage> batch) {
        route(batch, true);
        // acknowledged in the cluster store only once the sessions' copies hold what the batch brought: a death of
        // this node before then leaves the batch in the inbox for the survivor that adopts it
        CompletableFuture<Void> durable = new CompletableFuture<>();
        afterRouted(() -> durable.complete(null));
        return durable;
    }

    /**
     * Routes messages taken from a dead node's inbox (its shared-group messages): as {@link #handle}, but they are not
     * from this node's inbox, so the sessions record no inbox position for them ({@code Publication.fromInbox}).
     */
    public void routeAdopted(List<InboxMessage> batch) {
        route(batch, false);
    }

    private void route(List<InboxMessage> batch, boolean ownInbox) {
        for (InboxMessage message : batch) {
            SessionHooks hooks = sessionHooks;
            if (message.body().length > 0 && message.body()[0] == CONTROL) {
                if (hooks != null) {
                    hooks.onControl(message);
                }
                continue;
            }
            ForwardedPublish forwarded;
            try {
                forwarded = ForwardedPublish.decode(message.body());
            } catch (IllegalArgumentException e) {
                LOG.warn("cluster node {}: a message from {} dropped: {}", backend.self(), message.origin(), e.getMessage());
                continue;
            }
            long createdNanos = PublishStorage.storedNanos(forwarded.stored(), System.currentTimeMillis(), System.nanoTime());
            Publication publication = new Publication(forwarded.publish(), forwarded.originClientId(), createdNanos);
            publication.stamp(forwarded.stamp());
            if (ownInbox) {
                publication.fromInbox(message.origin(), message.seq()); // the sessions' copies record how far they got
            }
            try {
                List<String> unserved = distributor.distributeForwarded(publication, forwarded.plain(),
                        forwarded.sharedGroups());
                if (!unserved.isEmpty()) {
                    handOn(forwarded, unserved, message.origin().nodeId());
                }
            } finally {
                publication.release();
            }
            received.incrementAndGet();
        }
    }

    /** Messages sent to other nodes, received from them, and dropped (queue bound or failed sends). */
    public long forwardedCount() {
        return outgoing.sentCount();
    }

    public long receivedCount() {
        return received.get();
    }

    public long droppedCount() {
        return outgoing.droppedCount();
    }

    /**
     * Why this node is not (yet) part of its cluster, for {@code /ready}: e.g. {@code cluster node node-a#5f3c… is
     * connecting to the cluster store}; empty once {@link #start()} has joined it.
     */
    public Optional<String> joinPending() {
        String step = joining;
        return step == null ? Optional.empty() : Optional.of("cluster node " + backend.self() + " " + step);
    }

    /** This node's identity in the cluster. */
    public NodeIdentity self() {
        return backend.self();
    }

    /** The registered nodes with their leases as of the last member poll (a sixth of the lease); empty before the first. */
    public List<NodeLease> members() {
        return lastMembers;
    }

    /** Lease renewals that failed or found the lease expired (0 before the link started). */
    public long leaseRenewalFailures() {
        LeaseWatcher running = watcher;
        return running == null ? 0 : running.renewalFailures();
    }

    /** Every peer's filters as this node knows them. */
    public Map<String, Set<String>> remoteRoutes() {
        return remoteRoutes.all();
    }

    /** Leaves the cluster (lease and routes removed at once, so peers need not wait) and closes the backend. */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        started = false;
        LeaseWatcher running = watcher;
        if (running != null) {
            running.close();
        }
        thread.shutdown();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
            backend.leave().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.info("cluster node {}: leaving without removing its lease ({}); peers see it expire",
                    backend.self(), e.getMessage());
        }
        backend.close();
        outgoing.stop(); // acknowledgements still waiting go: their connections are closing with the broker
    }
}
