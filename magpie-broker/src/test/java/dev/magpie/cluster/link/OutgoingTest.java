package dev.magpie.cluster.link;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.InboxMessage;
import dev.magpie.cluster.NodeIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What waits for another node: numbered per destination, one batch in flight, bounded, and QoS 0 shed first when a
 * destination falls behind (it may be lost [MQTT-4.3.1-1]; QoS 1 and 2 were promised).
 */
class OutgoingTest {
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    /** Batches handed to the store, which never answers: the first batch stays in flight. */
    private final List<List<InboxMessage>> sends = new CopyOnWriteArrayList<>();
    private final NodeIdentity self = NodeIdentity.fresh("a");
    private final ClusterBackend stuck = (ClusterBackend) Proxy.newProxyInstance(ClusterBackend.class.getClassLoader(),
            new Class<?>[] {ClusterBackend.class}, (proxy, method, args) -> switch (method.getName()) {
                case "self" -> self;
                case "send" -> {
                    @SuppressWarnings("unchecked")
                    List<InboxMessage> batch = (List<InboxMessage>) args[1];
                    sends.add(batch);
                    yield new CompletableFuture<Void>();
                }
                default -> throw new UnsupportedOperationException(method.getName());
            });

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    private static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSlowDestinationShedsQos0FirstAndKeepsRoomForQos1And2() {
        Outgoing outgoing = new Outgoing(stuck, thread, () -> { }, 10);
        outgoing.offer("b", body("first"), 1);
        outgoing.sendBatches();                                     // in flight, never answered
        assertThat(sends).hasSize(1);

        int qos0Taken = 0;
        for (int i = 0; i < 20; i++) {
            qos0Taken += outgoing.offer("b", body("q0-" + i), 0) ? 1 : 0;
        }
        assertThat(qos0Taken).as("four fifths of the bound for QoS 0").isEqualTo(8);
        int qos1Taken = 0;
        for (int i = 0; i < 5; i++) {
            qos1Taken += outgoing.offer("b", body("q1-" + i), 1) ? 1 : 0;
        }
        assertThat(qos1Taken).as("the last fifth is QoS 1 and 2's").isEqualTo(2);
        assertThat(outgoing.droppedCount()).isEqualTo(12 + 3);
        assertThat(outgoing.offer("c", body("elsewhere"), 0)).as("per destination").isTrue();
    }

    @Test
    void messagesAreNumberedPerDestinationAndOneBatchIsInFlightAtATime() {
        Outgoing outgoing = new Outgoing(stuck, thread, () -> { });
        outgoing.offer("b", body("1"), 0);
        outgoing.offer("b", body("2"), 1);
        outgoing.offer("c", body("x"), 0);
        outgoing.sendBatches();
        outgoing.offer("b", body("3"), 0);
        outgoing.sendBatches();                                     // b's first batch is still in flight: nothing new
        assertThat(sends).hasSize(2);
        List<InboxMessage> toB = sends.stream().filter(batch -> batch.size() == 2).findFirst().orElseThrow();
        assertThat(toB).extracting(InboxMessage::seq).containsExactly(1L, 2L);
        assertThat(sends.stream().filter(batch -> batch.size() == 1).findFirst().orElseThrow())
                .extracting(InboxMessage::seq).as("c counts on its own").containsExactly(1L);
        assertThat(outgoing.sentCount()).isZero();
    }
}
