package dev.magpie.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link ClusterBackend} must do, run against each implementation (in memory here, a real Redis in
 * {@code magpie-cluster-redis}). Node ids and client ids are unique per test, so tests sharing one store do not see
 * each other's state.
 */
@Timeout(30)
public abstract class ClusterBackendContract {
    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** A backend for a new incarnation of {@code nodeId} on the store shared by this test, not yet started. */
    protected abstract ClusterBackend newBackend(String nodeId);

    /** Breaks and restores {@code backend}'s connections to the store, as a network blip would. */
    protected abstract void simulateReconnect(ClusterBackend backend) throws Exception;

    /** A started node with a probe; closed after the test. */
    protected ClusterNodeProbe node(String name) {
        ClusterNodeProbe probe = new ClusterNodeProbe(newBackend(name + "-" + run));
        opened.add(probe);
        return probe.start();
    }

    protected String unique(String name) {
        return name + "-" + run;
    }

    @AfterEach
    void closeNodes() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    protected static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // ---- client-id ownership ----

    @Test
    void racingClaimsFromTwoNodesHaveExactlyOneOwnerPerEpochAndFenceTheStaleOnes() throws Exception {
        ClusterNodeProbe a = node("a");
        ClusterNodeProbe b = node("b");
        String clientId = unique("racer");
        int perThread = 25;
        List<OwnershipClaim> claims = new CopyOnWriteArrayList<>();
        Map<Long, ClusterBackend> byEpoch = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (ClusterBackend backend : List.of(a.backend, b.backend, a.backend, b.backend)) {
                done.add(threads.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        OwnershipClaim claim = join(backend.claim(clientId));
                        claims.add(claim);
                        assertThat(byEpoch.put(claim.epoch(), backend)).as("epoch %d won twice", claim.epoch()).isNull();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get(20, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        int total = 4 * perThread;
        assertThat(claims.stream().map(OwnershipClaim::epoch).sorted().toList())
                .as("every epoch from 1 to %d, each exactly once", total)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        for (OwnershipClaim claim : claims) {
            if (claim.epoch() == 1) {
                assertThat(claim.previous()).isEmpty();
            } else {
                assertThat(claim.previous()).as("the owner replaced by epoch %d", claim.epoch())
                        .contains(new ClientOwner(byEpoch.get(claim.epoch() - 1).self(), claim.epoch() - 1));
            }
        }
        ClusterBackend winner = byEpoch.get((long) total);
        assertThat(join(a.backend.owner(clientId))).contains(new ClientOwner(winner.self(), total));
        ClusterBackend stale = byEpoch.get((long) total - 1);
        assertThat(join(stale.writeSession(clientId, total - 1, bytes("stale")))).as("stale epoch refused").isFalse();
        ClusterBackend other = winner == a.backend ? b.backend : a.backend;
        assertThat(join(other.writeSession(clientId, total, bytes("right epoch, wrong node")))).isFalse();
        assertThat(join(winner.writeSession(clientId, total, bytes("current")))).isTrue();
        assertThat(join(b.backend.loadSession(clientId))).hasValueSatisfying(
                state -> assertThat(new String(state, StandardCharsets.UTF_8)).isEqualTo("current"));
        assertThat(join(stale.release(clientId, total - 1))).as("a stale owner cannot release").isFalse();
    }

    @Test
    void releaseKeepsTheEpochGrowingSoAnOldOwnerStaysFenced() {
        ClusterNodeProbe a = node("a");
        ClusterNodeProbe b = node("b");
        String clientId = unique("sensor");
        OwnershipClaim first = join(a.backend.claim(clientId));
        assertThat(first.epoch()).isEqualTo(1);
        assertThat(join(a.backend.release(clientId, first.epoch()))).isTrue();
        assertThat(join(a.backend.owner(clientId))).isEmpty();
        OwnershipClaim second = join(b.backend.claim(clientId));
        assertThat(second.epoch()).isEqualTo(2);
        assertThat(second.previous()).as("released: nobody to take over from").isEmpty();
        assertThat(join(a.backend.writeSession(clientId, first.epoch(), bytes("late write")))).isFalse();
        assertThat(join(a.backend.loadSession(clientId))).isEmpty();
    }

    @Test
    void aReleasedSessionLeavesNoStateBehind() {
        ClusterNodeProbe a = node("a");
        String clientId = unique("ended");
        OwnershipClaim claim = join(a.backend.claim(clientId));
        assertThat(join(a.backend.writeSession(clientId, claim.epoch(), bytes("state")))).isTrue();
        assertThat(join(a.backend.release(clientId, claim.epoch()))).isTrue();
        assertThat(join(a.backend.loadSession(clientId))).as("the session ended: nothing for a later resume").isEmpty();
        assertThat(join(a.backend.clientsOf(a.backend.self()))).doesNotContain(clientId);
    }

    @Test
    void aDeadNodesClientsAreAdoptedOnlyWhileItStillOwnsThem() {
        ClusterNodeProbe dead = node("dead");
        ClusterNodeProbe survivor = node("survivor");
        ClusterNodeProbe other = node("other");
        String kept = unique("kept");
        String moved = unique("moved");
        String untracked = unique("untracked");
        join(dead.backend.claim(kept));
        join(dead.backend.claim(moved));
        join(dead.backend.claim(untracked));
        join(other.backend.claim(moved));                  // reconnected elsewhere before the death was noticed
        join(dead.backend.untrack(untracked));             // the dead node had heard of a takeover
        assertThat(join(survivor.backend.clientsOf(dead.backend.self()))).containsExactlyInAnyOrder(kept, moved);

        Optional<OwnershipClaim> adopted = join(survivor.backend.claimFrom(kept, dead.backend.self()));
        assertThat(adopted).hasValueSatisfying(claim -> {
            assertThat(claim.epoch()).isEqualTo(2);
            assertThat(claim.previous()).contains(new ClientOwner(dead.backend.self(), 1));
        });
        assertThat(join(survivor.backend.owner(kept))).contains(new ClientOwner(survivor.backend.self(), 2));
        assertThat(join(survivor.backend.claimFrom(moved, dead.backend.self()))).as("owned by another now").isEmpty();
        assertThat(join(other.backend.claimFrom(kept, dead.backend.self()))).as("one adopter only").isEmpty();
        assertThat(join(survivor.backend.clientsOf(survivor.backend.self()))).contains(kept);

        join(survivor.backend.forget(dead.backend.self()));
        assertThat(join(survivor.backend.clientsOf(dead.backend.self()))).isEmpty();
    }

    // ---- liveness ----

    @Test
    void aCrashedNodeIsFoundDeadByBothSurvivorsAndExactlyOneCleansUp() {
        Duration ttl = Duration.ofSeconds(2);           // renewed every 667 ms: a starved CI machine keeps up
        Duration poll = Duration.ofMillis(200);
        List<ClusterNodeProbe> nodes = List.of(node("a"), node("b"), node("c"));
        Map<String, List<String>> verdicts = new ConcurrentHashMap<>();
        List<NodeIdentity> winners = new CopyOnWriteArrayList<>();
        for (ClusterNodeProbe probe : nodes) {
            LeaseWatcher watcher = LeaseWatcher.start(probe.backend, ttl, poll, (dead, restarted, mine) -> {
                verdicts.computeIfAbsent(probe.nodeId(), id -> new CopyOnWriteArrayList<>()).add(dead.nodeId());
                if (mine) {
                    winners.add(probe.backend.self());
                }
            });
            opened.add(0, watcher);               // watchers stop before their backends close
        }
        ClusterNodeProbe a = nodes.get(0);
        ClusterNodeProbe c = nodes.get(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> join(a.backend.members()).stream()
                .filter(NodeLease::alive).count() == 3);
        NodeIdentity crashed = c.backend.self();
        closeWatcherOf(c);
        c.backend.close();                        // no leave(): the lease has to expire
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(verdicts.get(a.nodeId())).containsExactly(crashed.nodeId());
            assertThat(verdicts.get(nodes.get(1).nodeId())).containsExactly(crashed.nodeId());
        });
        assertThat(winners).as("one cleanup winner").hasSize(1);
        assertThat(verdicts).doesNotContainKey(c.nodeId());
        ClusterBackend winner = winners.get(0).equals(a.backend.self()) ? a.backend : nodes.get(1).backend;
        assertThat(join(winner.claimCleanup(crashed, ttl))).as("the guard holds").isFalse();
        join(winner.forget(crashed));
        assertThat(join(a.backend.members())).extracting(lease -> lease.node().nodeId())
                .doesNotContain(crashed.nodeId());
    }

    private void closeWatcherOf(ClusterNodeProbe probe) {
        // a crash stops the renewals too
        for (AutoCloseable closeable : opened) {
            if (closeable instanceof LeaseWatcher watcher && watcher.backend() == probe.backend) {
                watcher.close();
            }
        }
    }

    @Test
    void aRenewalAfterTheLeaseExpiredSaysSoForSelfFencing() {
        ClusterNodeProbe a = node("a");
        assertThat(join(a.backend.renewLease(Duration.ofSeconds(5)))).as("never held before").isFalse();
        assertThat(join(a.backend.renewLease(Duration.ofMillis(300)))).as("still held").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> join(a.backend.members()).stream()
                .noneMatch(NodeLease::alive));
        assertThat(join(a.backend.renewLease(Duration.ofSeconds(5)))).as("expired meanwhile").isFalse();
    }

    // ---- routes ----

    @Test
    void routeDeltasReachPeersInOrderAndBuildTheSameSet() {
        ClusterNodeProbe a = node("a");
        ClusterNodeProbe b = node("b");
        assertThat(join(a.backend.replaceRoutes(Set.of("sensors/#")))).isEqualTo(1);
        assertThat(join(a.backend.publishRoutes(Set.of("cmd/+/set"), Set.of()))).isEqualTo(2);
        assertThat(join(a.backend.publishRoutes(Set.of("alerts"), Set.of("sensors/#")))).isEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(b.routes.filtersOf(a.nodeId())).containsExactlyInAnyOrder("cmd/+/set", "alerts"));
        assertThat(b.deltas).extracting(RouteDelta::seq).containsExactly(1L, 2L, 3L);
        assertThat(b.routes.resyncs()).as("no gap, no reload").isZero();
        assertThat(a.deltas).as("a node is not told its own deltas").isEmpty();
        assertThat(join(b.backend.loadRoutes(a.nodeId()))).hasValueSatisfying(snapshot -> {
            assertThat(snapshot.seq()).isEqualTo(3);
            assertThat(snapshot.origin()).isEqualTo(a.backend.self());
            assertThat(snapshot.filters()).containsExactlyInAnyOrder("cmd/+/set", "alerts");
        });
    }

    @Test
    void aLostDeltaIsNoticedAtTheNextOneAndRepairedByAWholeReload() {
        ClusterNodeProbe a = node("a");
        ClusterNodeProbe b = node("b");
        b.dropDeltaSeqs.add(2L);
        join(a.backend.replaceRoutes(Set.of("one")));
        join(a.backend.publishRoutes(Set.of("two"), Set.of()));      // lost on the way to b
        join(a.backend.publishRoutes(Set.of("three"), Set.of("one")));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(b.routes.filtersOf(a.nodeId())).containsExactlyInAnyOrder("two", "three"));
        assertThat(b.routes.resyncs()).isEqualTo(1);
    }

    @Test
    void aLostLastDeltaIsRepairedByTheMemberPoll() {
        ClusterNodeProbe a = node("a");
        ClusterNodeProbe b = node("b");
        join(a.backend.renewLease(Duration.ofSeconds(10)));
        b.dropDeltaSeqs.add(2L);
        join(a.backend.replaceRoutes(Set.of("one")));
        join(a.backend.publishRoutes(Set.of("two"), Set.of()));      // lost, and nothing follows it
        await().atMost(Duration.ofSeconds(5)).until(() -> b.deltas.size() == 1);
        assertThat(b.routes.filtersOf(a.nodeId())).containsExactly("one");
        b.routes.check(join(b.backend.members()));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(b.routes.filtersOf(a.nodeId())).containsExactlyInAnyOrder("one", "two"));
    }

    @Test
    void aRestartedNodeReplacesItsRoutesAndPeersFollowTheNewIncarnation() {
        ClusterNodeProbe b = node("b");
        String aId = unique("a");
        ClusterNodeProbe first = new ClusterNodeProbe(newBackend(aId)).start();
        join(first.backend.replaceRoutes(Set.of("old/#")));
        join(first.backend.publishRoutes(Set.of("old/2"), Set.of()));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.routes.filtersOf(aId).contains("old/2"));
        first.close();
        ClusterNodeProbe second = new ClusterNodeProbe(newBackend(aId));
        opened.add(second);
        second.start();
        join(second.backend.replaceRoutes(Set.of("new/#")));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(b.routes.filtersOf(aId)).containsExactly("new/#"));
    }

    // ---- delivery ----

    private static List<InboxMessage> messages(NodeIdentity origin, long from, long to) {
        List<InboxMessage> messages = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            messages.add(new InboxMessage(origin, seq, bytes("m" + seq)));
        }
        return messages;
    }

    /** One send attempt: whether the store accepted the whole batch. */
    protected static boolean sent(ClusterBackend from, String to, List<InboxMessage> batch) {
        try {
            join(from.send(to, batch));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static List<Long> seqs(List<InboxMessage> received) {
        return received.stream().map(InboxMessage::seq).toList();
    }

    @Test
    void inboxDeliversEachMessageOnceInOrderDespiteResendsAndAReconnect() throws Exception {
        ClusterNodeProbe a = node("a");
        ClusterNodeProbe b = node("b");
        NodeIdentity origin = a.backend.self();
        join(a.backend.send(b.nodeId(), messages(origin, 1, 5)));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() == 5);
        join(a.backend.send(b.nodeId(), messages(origin, 3, 7)));     // a resend after an unanswered send
        await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() >= 7);
        simulateReconnect(b.backend);
        // a sender resends a batch until the store accepted it (calls fail at once while disconnected)
        await().atMost(Duration.ofSeconds(10)).until(() -> sent(a.backend, b.nodeId(), messages(origin, 5, 10)));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.received.size() >= 10);
        // another origin's seqs are independent
        await().atMost(Duration.ofSeconds(10)).until(() -> sent(b.backend, b.nodeId(), messages(b.backend.self(), 1, 2)));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() >= 12);
        List<InboxMessage> fromA = b.received.stream().filter(m -> m.origin().equals(origin)).toList();
        assertThat(seqs(fromA)).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
        assertThat(new String(fromA.get(9).body(), StandardCharsets.UTF_8)).isEqualTo("m10");
        assertThat(b.received).hasSize(12);
    }

    @Test
    void aBatchWhoseHandlingFailedIsHandedOverAgain() {
        ClusterNodeProbe a = node("a");
        ClusterNodeProbe b = node("b");
        b.failNextBatches.set(1);
        join(a.backend.send(b.nodeId(), messages(a.backend.self(), 1, 3)));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.received.size() == 3);
        assertThat(b.batchesSeen.get()).as("the failed batch and at least one more").isGreaterThanOrEqualTo(2);
        assertThat(seqs(b.received)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void messagesSentBeforeTheDestinationStartsWaitInItsInbox() {
        ClusterNodeProbe a = node("a");
        String bId = unique("b");
        join(a.backend.send(bId, messages(a.backend.self(), 1, 4)));
        ClusterNodeProbe b = new ClusterNodeProbe(newBackend(bId));
        opened.add(b);
        b.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() == 4);
        assertThat(seqs(b.received)).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aDeadNodesInboxIsAdoptedByTheCleanupWinner() {
        ClusterNodeProbe a = node("a");
        ClusterNodeProbe survivor = node("s");
        String deadId = unique("dead");
        ClusterNodeProbe dead = new ClusterNodeProbe(newBackend(deadId)).start();
        dead.failNextBatches.set(Integer.MAX_VALUE);          // it never acknowledges, then dies
        join(a.backend.send(deadId, messages(a.backend.self(), 1, 6)));
        await().atMost(Duration.ofSeconds(5)).until(() -> dead.batchesSeen.get() >= 1);
        dead.close();
        List<InboxMessage> adopted = Collections.synchronizedList(new ArrayList<>());
        int count = join(survivor.backend.adoptInbox(dead.backend.self(), batch -> {
            adopted.addAll(batch);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }));
        assertThat(count).isEqualTo(6);
        assertThat(seqs(adopted)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(join(survivor.backend.adoptInbox(dead.backend.self(), batch -> {
            throw new AssertionError("nothing left to adopt");
        }))).isZero();
    }

    // ---- retained ----

    @Test
    void aRetainedSetOrDeleteOnOneNodeIsVisibleToAnotherNodesLoad() {
        ClusterNodeProbe a = node("a");
        ClusterNodeProbe b = node("b");
        String topic = unique("home/kitchen/temp");
        RetainedEntry set = join(a.backend.setRetained(topic, bytes("21.5")));
        assertThat(join(b.backend.loadRetained())).filteredOn(entry -> entry.topic().equals(topic))
                .containsExactly(set);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.retainedSets.contains(set));
        RetainedEntry replaced = join(b.backend.setRetained(topic, bytes("22.0")));
        assertThat(replaced.version()).isGreaterThan(set.version());
        long deleted = join(b.backend.deleteRetained(topic));
        assertThat(deleted).isGreaterThan(replaced.version());
        assertThat(join(a.backend.loadRetained())).extracting(RetainedEntry::topic).doesNotContain(topic);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.retainedDeletes.contains(topic));
        Set<String> topics = join(a.backend.loadRetained()).stream().map(RetainedEntry::topic)
                .collect(Collectors.toSet());
        assertThat(topics).doesNotContain(topic);
        assertThat(join(a.backend.loadSession(unique("nobody")))).isEqualTo(Optional.empty());
    }
}
