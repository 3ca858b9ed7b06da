package dev.magpie.cluster.session;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.magpie.cluster.ClientOwner;
import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.ClusterSettings;
import dev.magpie.cluster.InboxMessage;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.OwnershipClaim;
import dev.magpie.cluster.link.ClusterLink;
import dev.magpie.codec.ReasonCode;
import dev.magpie.observe.LogSafe;
import dev.magpie.protocol.ClientIdClaims;
import dev.magpie.protocol.SessionLifecycle;
import dev.magpie.session.Session;
import dev.magpie.session.SessionRegistry;
import dev.magpie.session.SessionSubscription;
import dev.magpie.spi.ClientInfo;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client-id ownership across the cluster, as the CONNECT gate sees it: every CONNECT claims its id in the backend
 * (which bumps the id's epoch), and when the previous owner was another node, that node is told through its inbox
 * ({@link TakeoverNotice}) and closes its client's connection with 0x8E [MQTT-3.1.4-3], dropping its copy of the
 * session. Racing CONNECTs of one id on two nodes are ordered by the backend's atomic claim: the lower epoch loses,
 * either before its CONNACK (its claim is answered after the winner's notice arrived) or right after it.
 *
 * <p>Why epochs are kept here per id: the notice is only acted on when this node's own epoch for the id is lower, so a
 * late or repeated notice never closes a newer local connection. When the lease had expired ({@code renewLease}
 * answered false), peers may have claimed ids meanwhile without this node hearing of it: every owned id is checked
 * again and those whose owner moved on are dropped (self-fencing).
 *
 * <p>Threads: {@link #claim} is called on an event loop and never blocks; the backend's stages complete on its callback
 * thread; sessions are only touched through {@link Session#execute}.
 */
public final class ClusterSessions implements ClientIdClaims, ClusterLink.SessionHooks {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);

    private final ClusterBackend backend;
    private final ClusterLink link;
    private final SessionRegistry sessions;
    private final SessionLifecycle lifecycle;
    private final ClusterSettings settings;
    /** The epoch of a client id admitted while its ownership could not be checked (outage policy). */
    private static final long UNCHECKED = 0;
    /** The epoch this node holds for each client id it owns ({@link #UNCHECKED}: admitted during an outage). */
    private final Map<String, Long> owned = new ConcurrentHashMap<>();
    /**
     * Ids with a claim in flight here, with the highest epoch a takeover notice named meanwhile (0: none): a claim
     * answered after a newer one's notice arrived has lost. Bounded by the CONNECTs in flight.
     */
    private final Map<String, Long> claiming = new ConcurrentHashMap<>();
    /** The owner's copies of its sessions in the cluster store. */
    private final SessionCopies copies;

    /** The messages of sessions that move between nodes. */
    private final SessionHandOver handOver;
    private final DeadNodeCleanup cleanup;
    private final Supplier<EventExecutor> loops;
    /** How long a session whose copy write was refused waits for the new owner's takeover notice. */
    static final java.time.Duration FENCE_NOTICE_WAIT = java.time.Duration.ofSeconds(3);
    /**
     * How long a session taken over from a live node holds what is routed to it for that node's hand-over: past the
     * old owner's own wait for a fenced write ({@link #FENCE_NOTICE_WAIT}); a dead old owner never ends it.
     */
    static final java.time.Duration HANDOVER_WAIT = FENCE_NOTICE_WAIT.plusSeconds(2);

    /** {@code loops}: where sessions adopted from a dead node live (called once the broker started). */
    public ClusterSessions(ClusterBackend backend, ClusterLink link, SessionRegistry sessions, SessionLifecycle lifecycle,
                           ClusterSettings settings, Supplier<EventExecutor> loops) {
        this.backend = backend;
        this.link = link;
        this.sessions = sessions;
        this.lifecycle = lifecycle;
        this.settings = settings;
        this.loops = loops;
        this.copies = new SessionCopies(backend, new SessionCopies.Owners() {
            @Override
            public Long epochOf(String clientId) {
                return owned.get(clientId);
            }

            @Override
            public void fenced(String clientId, long epoch) {
                if (owned.remove(clientId, epoch)) {
                    // the claimer tells this node once it holds the session (a takeover notice, which says whether
                    // it resumed and lets the messages newer than the stored copy go to it); should none come (a
                    // survivor took the id after this node's lease ran out), the session ends here after a pause
                    loops.get().schedule(() -> fencedWithoutNotice(clientId), FENCE_NOTICE_WAIT.toMillis(),
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            }
        });
        this.handOver = new SessionHandOver(backend::self, sessions, lifecycle, link, copies);
        this.cleanup = new DeadNodeCleanup(backend, lifecycle, loops, new DeadNodeCleanup.Owners() {
            @Override
            public void adopted(String clientId, long epoch) {
                owned.merge(clientId, epoch, Math::max);
            }

            @Override
            public void release(String clientId, long epoch) {
                if (owned.remove(clientId, epoch)) {
                    copies.forget(clientId);
                    backend.release(clientId, epoch).exceptionally(failure -> false);
                }
            }

            @Override
            public boolean owns(String clientId, long epoch) {
                Long mine = owned.get(clientId);
                return mine != null && mine == epoch;
            }
        }, (message, adopted) -> handOver.fromDeadInbox(message, adopted, this::onControl), link::afterRouted);
    }

    // ---- the CONNECT gate's side ----

    @Override
    public CompletionStage<Answer> claim(ClientInfo client, boolean persistent, boolean resume, EventExecutor loop) {
        String clientId = client.clientId();
        claiming.merge(clientId, 0L, Math::max);
        CompletionStage<OwnershipClaim> stage;
        try {
            stage = backend.claim(clientId);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.<Object>handle((claim, failure) -> {
            Long noticed = claiming.remove(clientId);
            if (failure != null) {
                return unreachable(clientId, persistent, failure);
            }
            if (noticed != null && noticed > claim.epoch()) {
                return new Answer(ReasonCode.SERVER_UNAVAILABLE, "client id " + clientId + " was taken over on another node meanwhile");
            }
            owned.merge(clientId, claim.epoch(), Math::max);
            return claim;
        }).thenCompose(claimed -> {
            if (!(claimed instanceof OwnershipClaim claim)) {
                return CompletableFuture.completedFuture((Answer) claimed);
            }
            // the previous owner is told after the session is adopted here, so what it hands over finds it
            java.util.function.Consumer<Boolean> tell = resumed -> claim.previous()
                    .ifPresent(previous -> tellPrevious(clientId, claim.epoch(), resumed, previous));
            boolean keptElsewhere = claim.previous().filter(p -> !p.node().nodeId().equals(backend.self().nodeId())).isPresent();
            if (!resume || !keptElsewhere || sessions.find(clientId).isPresent()) {
                tell.accept(false); // resumed here only from a local session, which the old owner's copy is not
                return CompletableFuture.completedFuture(Answer.OWNED);
            }
            String previousNode = claim.previous().get().node().nodeId();
            return backend.loadSession(clientId).handle((bytes, failure) -> {
                boolean adopted = failure == null && bytes.isPresent() && adopt(client, bytes.get(), loop, previousNode);
                tell.accept(adopted); // also after a failed read: this node holds the epoch now, the old one must let go
                return failure == null ? Answer.OWNED : new Answer(ReasonCode.SERVER_UNAVAILABLE,
                        "the session of " + clientId + " could not be read from the cluster store"); // not silently empty
            });
        });
    }

    /**
     * Registers the session node {@code previousNode} kept, offline, so the gate resumes it (Session Present 1
     * [MQTT-3.2.2-2]); what is routed to it here waits until that node has handed over what it had not delivered (a
     * {@link HandoverEnd}, or {@link #HANDOVER_WAIT}).
     */
    private boolean adopt(ClientInfo client, byte[] stored, EventExecutor loop, String previousNode) {
        SessionState state;
        try {
            state = SessionStateCodec.decode(stored);
        } catch (IllegalArgumentException e) {
            LOG.warn("client {}: its session in the cluster store is unreadable ({}); starting a new one",
                    LogSafe.text(client.clientId()), e.getMessage());
            return false;
        }
        if (state.expirySeconds() == 0) {
            return false; // it ended with its connection
        }
        List<SessionSubscription> subscriptions = SessionStates.subscriptions(state);
        if (!lifecycle.adopt(client, state.expirySeconds(), subscriptions,
                SessionStates.messages(client.clientId(), state), loop, session -> session.holdArrivals(previousNode))) {
            return false;
        }
        sessions.find(client.clientId()).ifPresent(session -> loop.schedule(
                () -> session.execute(() -> session.endArrivalHold(previousNode)), HANDOVER_WAIT.toMillis(), TimeUnit.MILLISECONDS));
        LOG.info("client {}: its session resumes here from another node, with {} subscriptions",
                LogSafe.text(client.clientId()), subscriptions.size());
        return true;
    }

    // ---- the owner's copy in the cluster store (write-behind, coalesced per client id, fenced by epoch) ----

    @Override
    public void sessionChanged(Session session, ClientInfo attaching) {
        copies.changed(session, attaching);
    }

    /**
     * The store this node's persistent sessions journal to: {@code local}, and beside it their copies in the cluster
     * store ({@link ClusterSessionStore}). Set once at start.
     */
    public dev.magpie.store.MessageStore storeOver(dev.magpie.store.MessageStore local) {
        return new ClusterSessionStore(local, sessions, copies);
    }

    private Answer unreachable(String clientId, boolean persistent, Throwable failure) {
        String why = failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage();
        if (persistent || settings.outage() == ClusterSettings.Outage.REFUSE_ALL) {
            LOG.info("client {}: its ownership could not be checked in the cluster store ({}); refused", LogSafe.text(clientId), why);
            return new Answer(ReasonCode.SERVER_UNAVAILABLE, persistent
                    ? "persistent sessions are refused while the cluster store is unreachable"
                    : "connections are refused while the cluster store is unreachable");
        }
        LOG.info("client {}: its ownership could not be checked in the cluster store ({}); admitted on this node alone",
                LogSafe.text(clientId), why);
        owned.putIfAbsent(clientId, UNCHECKED);
        return Answer.OWNED;
    }

    private void tellPrevious(String clientId, long epoch, boolean resumed, ClientOwner previous) {
        NodeIdentity self = backend.self();
        if (previous.node().nodeId().equals(self.nodeId())) {
            return; // this node (the gate takes its own session over) or an earlier run of it (its sessions are gone)
        }
        link.sendControl(previous.node().nodeId(), new TakeoverNotice(clientId, epoch, resumed).encode());
    }

    @Override
    public boolean owns(String clientId) {
        return owned.containsKey(clientId);
    }

    @Override
    public void ended(String clientId, boolean replacedLocally) {
        if (replacedLocally) {
            return;
        }
        Long epoch = owned.remove(clientId);
        copies.forget(clientId);
        if (epoch != null && epoch != UNCHECKED) {
            backend.release(clientId, epoch).exceptionally(failure -> false); // refused when fenced: nothing to undo
        }
    }

    // ---- what peers and the lease watcher say ----

    @Override
    public void onControl(InboxMessage message) {
        byte[] body = message.body();
        if (body.length > 1 && body[1] == HandedOverMessage.KIND) {
            handOver.receive(message);
            return;
        }
        if (body.length > 1 && body[1] == HandoverEnd.KIND) {
            handOver.ended(message);
            return;
        }
        TakeoverNotice notice;
        try {
            notice = TakeoverNotice.decode(message.body());
        } catch (IllegalArgumentException e) {
            LOG.warn("cluster node {}: a control message from {} dropped: {}", backend.self(), message.origin(), e.getMessage());
            return;
        }
        claiming.computeIfPresent(notice.clientId(), (id, seen) -> Math.max(seen, notice.epoch()));
        Long mine = owned.get(notice.clientId());
        if (mine != null && mine >= notice.epoch()) {
            return; // a late notice: this node claimed the id again since
        }
        if (mine != null) {
            owned.remove(notice.clientId(), mine); // first: a session registered after this sees it in owns()
        }
        backend.untrack(notice.clientId()).exceptionally(failure -> null); // a dead node's survivor checks each id anyway
        handOver.letGo(notice.clientId(), "taken over by node " + message.origin().nodeId(), message.origin().nodeId(),
                notice.resumed());
    }

    /**
     * A write of {@code clientId}'s copy was refused and no takeover notice followed: unless this node claimed the id
     * again, its session ends, what is newer than the stored copy going to whichever node owns the id now.
     */
    private void fencedWithoutNotice(String clientId) {
        if (owned.containsKey(clientId) || sessions.find(clientId).isEmpty()) {
            return; // claimed here again, or the notice came and the session ended
        }
        backend.owner(clientId).whenComplete((owner, failure) -> {
            String node = failure == null && owner.isPresent() && !owner.get().node().equals(backend.self())
                    ? owner.get().node().nodeId() : null;
            if (!owned.containsKey(clientId)) {
                handOver.letGo(clientId, "its session write was refused (a later claim fenced this node)", node, true);
            }
        });
    }

    /** Ends this node's copy of the session, handing nothing over (nobody to hand it to). */
    private void dropLocal(String clientId, String why) {
        handOver.letGo(clientId, why, null, false);
    }


    @Override
    public void onNodeDead(NodeIdentity dead, boolean restarted, boolean cleanupIsMine) {
        if (cleanupIsMine) {
            cleanup.run(dead, restarted);
        }
    }


    /**
     * The lease had expired: every id this node owns is checked again, and the sessions whose owner moved on (a peer
     * claimed them, or adopted them as a dead node's) are dropped here. Ids that cannot be checked now stay: the next
     * CONNECT of each claims it again.
     */
    @Override
    public void onLeaseLost() {
        NodeIdentity self = backend.self();
        for (Map.Entry<String, Long> entry : owned.entrySet()) {
            String clientId = entry.getKey();
            long epoch = entry.getValue();
            if (epoch == UNCHECKED) {
                continue; // a clean session admitted during the outage: its next CONNECT claims it
            }
            backend.owner(clientId).thenAccept(owner -> {
                boolean stillMine = owner.isPresent() && owner.get().node().equals(self) && owner.get().epoch() == epoch;
                if (!stillMine && owned.remove(clientId, epoch)) {
                    dropLocal(clientId, "owned elsewhere after this node's lease had expired");
                }
            });
        }
    }

    /**
     * The store is reachable again: every id admitted unchecked during the outage is claimed now, in the background,
     * so the cluster knows its owner again. The connection here is the newest CONNECT of its id, so the claim takes
     * the id over from any other node that admitted or kept it meanwhile (that node's client is told 0x8E
     * [MQTT-3.1.4-3]). A session that ended meanwhile gives its new claim up again.
     */
    @Override
    public void onStoreBack() {
        for (Map.Entry<String, Long> entry : owned.entrySet()) {
            if (entry.getValue() == UNCHECKED && reclaiming.add(entry.getKey())) {
                claimUnchecked(entry.getKey(), 1);
            }
        }
    }

    /** Tries per id after a reconnect: the command connection may come back a moment after the one that told. */
    private static final int RECLAIM_ATTEMPTS = 20;
    private static final long RECLAIM_PAUSE_MILLIS = 250;

    /** Ids with a background claim in flight (one at a time per id: a second would fence the first). */
    private final Set<String> reclaiming = ConcurrentHashMap.newKeySet();

    private void claimUnchecked(String clientId, int attempt) {
        if (!Long.valueOf(UNCHECKED).equals(owned.get(clientId))) {
            reclaiming.remove(clientId);
            return; // ended, or claimed meanwhile
        }
        CompletionStage<OwnershipClaim> stage;
        try {
            stage = backend.claim(clientId);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((claim, failure) -> {
            if (failure != null) {
                if (attempt < RECLAIM_ATTEMPTS) {
                    CompletableFuture.delayedExecutor(RECLAIM_PAUSE_MILLIS, TimeUnit.MILLISECONDS)
                            .execute(() -> claimUnchecked(clientId, attempt + 1));
                } else {
                    reclaiming.remove(clientId); // still unreachable: the next reconnect tries again
                }
                return;
            }
            reclaiming.remove(clientId);
            if (owned.replace(clientId, UNCHECKED, claim.epoch())) {
                LOG.info("client {}: admitted during the store outage, now claimed (epoch {})", LogSafe.text(clientId), claim.epoch());
                claim.previous().ifPresent(previous -> tellPrevious(clientId, claim.epoch(), false, previous));
                // its will (a peer publishes it if this node dies) could not be written while unchecked
                sessions.find(clientId).ifPresent(session -> session.execute(() -> sessionChanged(session, null)));
            } else {
                backend.release(clientId, claim.epoch()).exceptionally(ignored -> false); // it ended meanwhile
            }
        });
    }

    /** How many client ids this node owns cluster-wide now. */
    public int ownedCount() {
        return owned.size();
    }
}
