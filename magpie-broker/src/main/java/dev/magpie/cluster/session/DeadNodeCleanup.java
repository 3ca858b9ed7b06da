package dev.magpie.cluster.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.InboxMessage;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.OwnershipClaim;
import dev.magpie.codec.Connect;
import dev.magpie.observe.LogSafe;
import dev.magpie.protocol.SessionLifecycle;
import dev.magpie.spi.ClientInfo;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the one survivor that won a dead node's cleanup does ({@code LeaseWatcher} elects exactly one per dead
 * incarnation). Each client id the dead node still owned is claimed from it, atomically, so a client that reconnected
 * elsewhere meanwhile is left alone ({@link ClusterBackend#claimFrom}). Then, per client, from the state its owner
 * stored: its will is published once, after its Will Delay Interval [MQTT-3.1.3-9] unless the client connects again
 * first (its new claim moves the id on, and the will is not published); a persistent session is registered here,
 * offline, with its subscriptions, so its client resumes it on any node [MQTT-3.2.2-2]. Then the dead node's inbox
 * (what it had not read, or read and not finished) goes to those sessions, twice: the other survivors notice the death
 * up to a poll later and send to it until then. Last, the node is forgotten.
 *
 * <p>When the dead node's id already runs again (a restart with a new incarnation), that node restores its sessions
 * from its own store: only the wills are handled here, and the inbox is left to it.
 *
 * <p>Threads: runs on the backend's callback thread and the adopted sessions' loops; never blocks.
 */
final class DeadNodeCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(DeadNodeCleanup.class);
    /**
     * The other survivors notice the death up to a member poll (1 s) after the winner and send to the dead node's inbox
     * until then: a second drain, this long after the first, takes what they sent meanwhile.
     */
    private static final Duration SECOND_DRAIN = Duration.ofSeconds(3);

    /** The ownership bookkeeping of {@link ClusterSessions}, which the cleanup adds to. */
    interface Owners {
        /** This node holds {@code clientId} at {@code epoch} now. */
        void adopted(String clientId, long epoch);

        /** Gives the id up, if this node still holds it at {@code epoch}. */
        void release(String clientId, long epoch);

        /** Whether this node still holds {@code clientId} at {@code epoch} (no later claim anywhere moved it on). */
        boolean owns(String clientId, long epoch);
    }

    private final ClusterBackend backend;
    private final SessionLifecycle lifecycle;
    private final Supplier<EventExecutor> loops;
    private final Owners owners;
    private final BiConsumer<InboxMessage, Map<String, Map<NodeIdentity, Long>>> inbox;
    /** Runs its task once what was routed so far is committed to the adopted sessions' stores and copies. */
    private final java.util.function.Consumer<Runnable> afterRouted;

    DeadNodeCleanup(ClusterBackend backend, SessionLifecycle lifecycle, Supplier<EventExecutor> loops, Owners owners,
                    BiConsumer<InboxMessage, Map<String, Map<NodeIdentity, Long>>> inbox, java.util.function.Consumer<Runnable> afterRouted) {
        this.backend = backend;
        this.lifecycle = lifecycle;
        this.loops = loops;
        this.owners = owners;
        this.inbox = inbox;
        this.afterRouted = afterRouted;
    }

    /** Cleans up after {@code dead}; completes when its clients, its inbox and its bookkeeping are handled. */
    CompletionStage<Void> run(NodeIdentity dead, boolean restarted) {
        Map<String, Map<NodeIdentity, Long>> adopted = new ConcurrentHashMap<>();
        AtomicInteger wills = new AtomicInteger();
        return backend.clientsOf(dead).thenCompose(clientIds -> {
            List<CompletableFuture<Void>> each = new ArrayList<>(clientIds.size());
            for (String clientId : clientIds) {
                each.add(takeOn(clientId, dead, restarted, adopted, wills).toCompletableFuture()
                        .exceptionally(failure -> {
                            LOG.warn("client {} of dead node {}: not taken on: {}", LogSafe.text(clientId), dead, failure.getMessage());
                            return null;
                        }));
            }
            return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
        }).thenCompose(ignored -> restarted ? CompletableFuture.completedFuture(0) : drainInbox(dead, adopted)
                .thenCompose(first -> later(SECOND_DRAIN).thenCompose(x -> drainInbox(dead, adopted)).thenApply(second -> first + second)))
                .thenCompose(messages -> {
                    LOG.info("cluster node {}: cleaned up after {}: {} sessions adopted, {} wills, {} inbox messages handed on",
                            backend.self(), dead, adopted.size(), wills.get(), messages);
                    return backend.forget(dead);
                }).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        // the cleanup guard expires and a survivor (this one, at its next poll, or another) tries again
                        LOG.warn("cluster node {}: cleanup after {} stopped: {}", backend.self(), dead, failure.getMessage());
                    }
                });
    }

    private CompletionStage<Integer> drainInbox(NodeIdentity dead, Map<String, Map<NodeIdentity, Long>> adopted) {
        return backend.adoptInbox(dead, batch -> {
            batch.forEach(message -> inbox.accept(message, adopted));
            CompletableFuture<Void> durable = new CompletableFuture<>(); // acknowledged once the adopted copies hold it
            afterRouted.accept(() -> durable.complete(null));
            return durable;
        });
    }

    private CompletionStage<Void> later(Duration delay) {
        CompletableFuture<Void> due = new CompletableFuture<>();
        loops.get().schedule(() -> due.complete(null), delay.toMillis(), TimeUnit.MILLISECONDS);
        return due;
    }

    private CompletionStage<Void> takeOn(String clientId, NodeIdentity dead, boolean restarted, Map<String, Map<NodeIdentity, Long>> adopted, AtomicInteger wills) {
        return backend.claimFrom(clientId, dead).thenCompose(claim -> {
            if (claim.isEmpty()) {
                return CompletableFuture.completedFuture(null); // reconnected elsewhere, or released: not the dead node's
            }
            OwnershipClaim owned = claim.get();
            owners.adopted(clientId, owned.epoch());
            return backend.loadSession(clientId).thenAccept(bytes -> {
                Optional<SessionState> state = bytes.flatMap(b -> decode(clientId, b));
                if (state.isEmpty()) {
                    owners.release(clientId, owned.epoch()); // a clean session without a will: nothing to keep
                    return;
                }
                SessionState s = state.get();
                ClientInfo client = SessionStates.client(clientId, s);
                Connect.Will will = willOf(clientId, s);
                if (will != null) {
                    wills.incrementAndGet();
                }
                if (!restarted && s.expirySeconds() > 0) {
                    if (lifecycle.adoptOrphan(client, s.expirySeconds(), SessionStates.subscriptions(s),
                            SessionStates.messages(clientId, s), will, loops.get()).isPresent()) {
                        adopted.put(clientId, SessionStates.inboxMarks(s));
                        LOG.info("client {}: its session is adopted here from dead node {}, with {} subscriptions{}",
                                LogSafe.text(clientId), dead, s.subscriptions().size(), will != null ? " and its will" : "");
                    }
                    return;
                }
                publishWhenDue(client, will, s.expirySeconds(), owned.epoch());
            });
        });
    }

    /**
     * A will without a session here: published after its delay (bounded by the session's expiry) while this node still
     * holds the id, which is then released.
     */
    private void publishWhenDue(ClientInfo client, Connect.Will will, long expirySeconds, long epoch) {
        String clientId = client.clientId();
        if (will == null) {
            owners.release(clientId, epoch);
            return;
        }
        long wait = SessionLifecycle.willDelayOnLoss(will, expirySeconds);
        Runnable publish = () -> {
            if (owners.owns(clientId, epoch)) { // a CONNECT of the id since cancels it [MQTT-3.1.3-9]
                lifecycle.publishWillOf(client, will);
                owners.release(clientId, epoch);
            }
        };
        loops.get().schedule(publish, wait, TimeUnit.SECONDS); // on an event loop, as a session's will is
    }

    private static Optional<SessionState> decode(String clientId, byte[] bytes) {
        try {
            return Optional.of(SessionStateCodec.decode(bytes));
        } catch (IllegalArgumentException e) {
            LOG.warn("client {}: its session in the cluster store is unreadable ({}); dropped", LogSafe.text(clientId), e.getMessage());
            return Optional.empty();
        }
    }

    private static Connect.Will willOf(String clientId, SessionState state) {
        try {
            return SessionStates.will(state).orElse(null);
        } catch (IllegalArgumentException e) {
            LOG.warn("client {}: its stored will is unreadable ({}); not published", LogSafe.text(clientId), e.getMessage());
            return null;
        }
    }
}
