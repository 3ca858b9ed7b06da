package dev.magpie.cluster.link;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.magpie.cluster.ClusterEvents;
import dev.magpie.cluster.LocalClusterBackend;
import dev.magpie.cluster.LocalClusterHub;
import dev.magpie.cluster.RetainedEntry;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.Publish;
import dev.magpie.routing.Distributor;
import dev.magpie.routing.RetainedMessage;
import dev.magpie.security.AuthorizationChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The version rules of the cluster-wide retained index, against the in-memory backend: a stale change never
 * overwrites a newer one (sets and deletes), changes made here reach the store, and a node that joins late tells a
 * message deleted meanwhile from one the store never had.
 */
@Timeout(30)
class ClusterRetainedTest {
    private final LocalClusterHub hub = new LocalClusterHub();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final Distributor distributor = new Distributor(new AuthorizationChain(List.of()));
    private final LocalClusterBackend store = hub.node("writer");
    private final LocalClusterBackend backend = hub.node("b");
    private final ClusterRetained retained = new ClusterRetained(backend, distributor, thread);

    @AfterEach
    void stop() {
        backend.close();
        store.close();
        thread.shutdownNow();
    }

    private void startWriter() {
        store.start(new ClusterEvents() { }, batch -> CompletableFuture.completedFuture(null)).toCompletableFuture().join();
    }

    private void startNode() {
        distributor.clusterRetained(retained::localChange);
        backend.start(new ClusterEvents() {
            @Override
            public void onRetainedSet(RetainedEntry entry) {
                retained.announcedSet(entry);
            }

            @Override
            public void onRetainedDeleted(String topic, long version) {
                retained.announcedDelete(topic, version);
            }

            @Override
            public void onConnected() {
                retained.resync();
            }
        }, batch -> CompletableFuture.completedFuture(null)).toCompletableFuture().join();
        retained.firstSync().toCompletableFuture().join();
    }

    private static Publish publish(String topic, String payload) {
        return new Publish(topic, 1, true, false, 0, payload.getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY);
    }

    private static RetainedEntry entry(String topic, long version, String payload) {
        return new RetainedEntry(topic, version, ForwardedPublish.encode(publish(topic, payload), "", System.currentTimeMillis()));
    }

    /** Waits until the link thread ran everything queued so far. */
    private void drain() throws Exception {
        thread.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    private Optional<String> held(String topic) {
        return distributor.retainedOn(topic).map(RetainedMessage::publish)
                .map(p -> new String(p.payload(), StandardCharsets.UTF_8));
    }

    @Test
    void aStaleSetOrDeleteNeverOverwritesANewerChange() throws Exception {
        startWriter();
        startNode();
        retained.announcedSet(entry("t/1", 5, "new"));
        retained.announcedSet(entry("t/1", 3, "old"));        // late: an older version than the one held
        drain();
        assertThat(held("t/1")).as("replaced only by newer versions [MQTT-3.3.1-5]").contains("new");
        retained.announcedDelete("t/1", 4);
        drain();
        assertThat(held("t/1")).as("a delete older than the message is ignored").contains("new");
        retained.announcedDelete("t/1", 6);
        retained.announcedSet(entry("t/1", 5, "new"));        // a set that happened before the delete, arriving after it
        drain();
        assertThat(held("t/1")).as("deleted [MQTT-3.3.1-6], and not brought back by an older set").isEmpty();
        retained.announcedSet(entry("t/1", 7, "again"));
        drain();
        assertThat(held("t/1")).contains("again");
    }

    @Test
    void aChangeMadeHereReachesTheStoreAndAnEmptyPayloadDeletesIt() throws Exception {
        startWriter();
        startNode();
        distributor.retain(publish("local/x", "kept"));
        await().atMost(Duration.ofSeconds(5)).until(() -> store.loadRetained().toCompletableFuture().join().stream()
                .anyMatch(e -> e.topic().equals("local/x")));
        distributor.retain(publish("local/x", ""));          // zero bytes: delete everywhere [MQTT-3.3.1-6]
        await().atMost(Duration.ofSeconds(5)).until(() -> store.loadRetained().toCompletableFuture().join().isEmpty());
        assertThat(store.retainedVersion("local/x").toCompletableFuture().join()).as("set then delete").isEqualTo(2);
    }

    @Test
    void aNodeJoiningLateDropsWhatWasDeletedMeanwhileAndWritesBackWhatTheStoreNeverHad() throws Exception {
        startWriter();
        byte[] body = ForwardedPublish.encode(publish("gone", "x"), "", System.currentTimeMillis());
        store.setRetained("gone", body).toCompletableFuture().join();
        store.deleteRetained("gone").toCompletableFuture().join();
        store.setRetained("there", ForwardedPublish.encode(publish("there", "from-store"), "", 1L)).toCompletableFuture().join();
        // what this node restored from its own file before joining, unseen by the store
        distributor.applyRetained(publish("gone", "stale"), System.currentTimeMillis(), System.nanoTime());
        distributor.applyRetained(publish("mine", "only-here"), System.currentTimeMillis(), System.nanoTime());
        startNode();
        assertThat(held("there")).as("the store's set is loaded at start").contains("from-store");
        await().atMost(Duration.ofSeconds(5)).until(() -> held("gone").isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> store.loadRetained().toCompletableFuture().join().stream()
                .anyMatch(e -> e.topic().equals("mine")));
        assertThat(held("mine")).contains("only-here");
        assertThat(store.loadRetained().toCompletableFuture().join()).extracting(RetainedEntry::topic)
                .as("the deleted one is not written back").containsExactlyInAnyOrder("there", "mine");
    }
}
