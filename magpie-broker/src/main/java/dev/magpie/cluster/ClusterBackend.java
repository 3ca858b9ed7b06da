package dev.magpie.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * What Magpie nodes share to act as one broker: leases, routes, inboxes, client-id ownership and retained messages.
 * One instance per node and run; every call is asynchronous and never blocks the calling thread, so it may be made
 * from a Netty event loop. Returned stages complete on the backend's own callback thread (never on the store
 * client's I/O thread), or fail with {@link ClusterException} after the configured command timeout.
 *
 * <p>Guarantees every implementation keeps (the contract tests check each):
 * <ul>
 *   <li><b>Ownership</b>: {@link #claim} is atomic; each epoch of a client id has exactly one owner; epochs only grow
 *       (also across {@link #release}); {@link #writeSession} and {@link #release} with a stale epoch are refused.</li>
 *   <li><b>Routes</b>: a node's deltas are numbered 1, 2, 3… per incarnation and reach every peer's
 *       {@link ClusterEvents#onRouteDelta} at most once each, in order, possibly with gaps; {@link #loadRoutes} reads a
 *       node's set atomically with its sequence.</li>
 *   <li><b>Inbox</b>: what {@link #send} accepted is handed to the destination's {@link InboxHandler} at least once
 *       (until acknowledged, across reconnects and restarts of the node), in send order per origin; duplicates by
 *       (origin, incarnation, seq) are dropped before the handler. The inbox is bounded: a destination that does not
 *       read loses its oldest messages past the bound.</li>
 *   <li><b>Liveness</b>: a lease not renewed within its TTL is reported not alive by {@link #members}; of all the
 *       nodes calling {@link #claimCleanup} for one dead incarnation, exactly one wins.</li>
 *   <li><b>Retained</b>: a set or delete is visible to every node's {@link #loadRetained} once its stage completed,
 *       and is announced to every node's {@link ClusterEvents}.</li>
 * </ul>
 *
 * <pre>{@code
 * ClusterBackend backend = RedisClusterBackend.create(settings, NodeIdentity.fresh("node-a"));
 * backend.start(events, inbox).toCompletableFuture().join();       // once, at broker start (not on an event loop)
 * backend.renewLease(Duration.ofSeconds(6));                      // every 2 s, see LeaseWatcher
 * backend.publishRoutes(Set.of("sensors/#"), Set.of());           // a first local subscriber to sensors/#
 * backend.claim("thermostat-7").thenAccept(claim -> ...);          // on CONNECT: epoch + previous owner
 * backend.send("node-b", List.of(new InboxMessage(backend.self(), 1, bytes)));
 * }</pre>
 */
public interface ClusterBackend extends AutoCloseable {

    /** This node's identity (id and incarnation), stamped on everything it writes. */
    NodeIdentity self();

    /**
     * Connects, subscribes to route and retained changes, and starts handing this node's inbox to {@code inbox}
     * (first whatever its previous incarnations left unacknowledged). Call once.
     */
    CompletionStage<Void> start(ClusterEvents events, InboxHandler inbox);

    // ---- liveness ----

    /**
     * Registers this node as a member and (re)sets its lease to expire after {@code ttl}. Completes with
     * {@code true} when the lease was still this incarnation's (continuous), {@code false} when it had expired or
     * was never held: peers may have declared this node dead meanwhile, so it must fence itself (drop the sessions
     * whose epoch moved on) before serving them again.
     */
    CompletionStage<Boolean> renewLease(Duration ttl);

    /** Every registered member (this node included) with whether its lease is alive, and its route sequence. */
    CompletionStage<List<NodeLease>> members();

    /**
     * Asks to be the one node that cleans up after {@code dead} (publishes its clients' wills, adopts its sessions and
     * inbox). Exactly one caller per dead incarnation gets {@code true}; the guard lasts {@code guard}, after which a
     * new claim can win (the winner died before finishing).
     */
    CompletionStage<Boolean> claimCleanup(NodeIdentity dead, Duration guard);

    /**
     * Removes a dead incarnation's membership, routes and {@link #clientsOf} set, once its cleanup is done. Does nothing when the node
     * id is registered again with another incarnation (it restarted): its new routes are kept.
     */
    CompletionStage<Void> forget(NodeIdentity dead);

    /**
     * Hands the messages left in a dead node's inbox to {@code handler} (acknowledging each batch as its stage
     * completes), until the inbox is empty; completes with the number handed over. For the cleanup winner only,
     * and only when the node did not restart (a restarted node reads its own inbox again).
     */
    CompletionStage<Integer> adoptInbox(NodeIdentity dead, InboxHandler handler);

    // ---- routes ----

    /**
     * Adds and removes distinct local filters of this node (call with the first subscriber of a filter and after
     * its last one left, never per client). Completes with the delta's sequence once stored and announced.
     */
    CompletionStage<Long> publishRoutes(Set<String> added, Set<String> removed);

    /**
     * Replaces this node's whole set (at start, and in {@link ClusterEvents#onConnected} since the store may have
     * lost it); peers see a full delta.
     */
    CompletionStage<Long> replaceRoutes(Set<String> filters);

    /** Reads one node's set; empty when it has none stored. */
    CompletionStage<Optional<RouteSnapshot>> loadRoutes(String nodeId);

    // ---- delivery ----

    /**
     * Appends messages to {@code destinationNodeId}'s inbox, in order (one call is one batch: batch per destination
     * per loop turn). Completes once the store accepted them all; on failure some may have been appended: resend the
     * same messages (same seqs), the receiver drops the duplicates.
     */
    CompletionStage<Void> send(String destinationNodeId, List<InboxMessage> messages);

    // ---- client-id ownership ----

    /** Claims {@code clientId} for this node: bumps its epoch and returns it with the previous owner. */
    CompletionStage<OwnershipClaim> claim(String clientId);

    /**
     * Claims {@code clientId} for this node only while the incarnation {@code expected} owns it (the cleanup winner
     * adopting a dead node's client); empty when another owns it now (the client reconnected elsewhere, or it was
     * released). Atomic with every other claim of the id.
     */
    CompletionStage<Optional<OwnershipClaim>> claimFrom(String clientId, NodeIdentity expected);

    /**
     * The client ids {@code node} claimed and did not release or untrack: every id it may still own, and possibly
     * some it lost since (check each with {@link #claimFrom}). Kept until {@link #forget}.
     */
    CompletionStage<Set<String>> clientsOf(NodeIdentity node);

    /** Drops {@code clientId} from this node's {@link #clientsOf} (another node took it over). */
    CompletionStage<Void> untrack(String clientId);

    /** The current owner of {@code clientId}, if any. */
    CompletionStage<Optional<ClientOwner>> owner(String clientId);

    /**
     * Stores {@code state} as the client's session when this node still owns it at {@code epoch}; completes with
     * {@code false} (nothing written) when a later claim fenced it.
     */
    CompletionStage<Boolean> writeSession(String clientId, long epoch, byte[] state);

    /** The client's session state as last written, if any. */
    CompletionStage<Optional<byte[]>> loadSession(String clientId);

    /**
     * Gives up ownership (clean disconnect of a session that ends) when still the owner at {@code epoch}, and drops
     * the session state (it ended); the epoch counter is kept so a later claim gets a higher one.
     */
    CompletionStage<Boolean> release(String clientId, long epoch);

    // ---- retained messages ----

    /** Sets the retained message of {@code topic}; completes with the entry stored (its new version). */
    CompletionStage<RetainedEntry> setRetained(String topic, byte[] body);

    /** Deletes the retained message of {@code topic}; completes with the topic's new version. */
    CompletionStage<Long> deleteRetained(String topic);

    /** Every retained message, to fill a node's local index at start or after a reconnect. */
    CompletionStage<List<RetainedEntry>> loadRetained();

    /**
     * The current version of {@code topic}'s retained message, also after a delete (versions outlive their message);
     * 0 when the store never saw the topic, e.g. after it restarted empty. Lets a node that reconnected tell a
     * message deleted meanwhile (version above its own) from one the store lost (version 0 or below its own).
     */
    CompletionStage<Long> retainedVersion(String topic);

    /**
     * Stops reading, closes connections and releases threads. Leaves the lease to expire (as a crash would): call
     * {@link #leave} first for a planned shutdown.
     */
    @Override
    void close();

    /** Planned shutdown: removes this node's lease, membership and routes so peers need not wait for the TTL. */
    CompletionStage<Void> leave();
}
