package dev.magpie.session;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.Publish;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of held inbound QoS 2 ids ({@link InboundQos2}): duplicate or reuse, the per-connection quota, the bound. */
class InboundQos2Test {
    private final List<String> journal = new ArrayList<>();
    private final SessionJournal recording = new SessionJournal() {
        @Override
        public void queued(PendingMessage message) {
        }

        @Override
        public void dequeued(PendingMessage message) {
        }

        @Override
        public void sent(PendingMessage message, boolean fromQueue, int packetId, Publish sent, OutboundFlow.State state) {
        }

        @Override
        public void inflight(int packetId, Publish sent, OutboundFlow.State state, String sharedGroup) {
        }

        @Override
        public void completed(int packetId) {
        }

        @Override
        public void inboundQos2(int packetId, long fingerprint, long origin, boolean awaiting) {
            journal.add((awaiting ? "+" : "-") + packetId + (origin != 0 ? "@" + origin : ""));
        }

        @Override
        public void inboundQos2Owned(int packetId) {
            journal.add("owned " + packetId);
        }

        @Override
        public boolean gates() {
            return true;
        }

        @Override
        public void afterCommit(Runnable onSessionThread) {
            onSessionThread.run();
        }
    };
    private final InboundQos2 held = new InboundQos2();

    private static long fp(String topic, String payload) {
        return InboundQos2.fingerprint(new Publish(topic, 2, false, false, 1, payload.getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
    }

    @Test
    void aResendWithDupIsADuplicateWhateverItCarries_MQTT_4_3_3_9() {
        assertThat(held.begin(5, fp("t", "a"), false, 10, null, recording)).isEqualTo(InboundQos2.Arrival.NEW);
        assertThat(held.begin(5, fp("t", "a"), true, 10, null, recording)).isEqualTo(InboundQos2.Arrival.DUPLICATE);
        assertThat(held.begin(5, fp("t", "other"), true, 10, null, recording)).isEqualTo(InboundQos2.Arrival.DUPLICATE);
        assertThat(held.begin(5, fp("t", "a"), false, 10, null, recording)).as("same content without DUP").isEqualTo(InboundQos2.Arrival.DUPLICATE);
        assertThat(journal).containsExactly("+5");
    }

    @Test
    void otherContentWithoutDupOnAHeldIdIsANewMessage_MQTT_2_2_1_3() {
        held.restore(7, fp("t", "old"));
        assertThat(held.begin(7, fp("t", "new"), false, 10, null, recording)).isEqualTo(InboundQos2.Arrival.REUSED);
        assertThat(held.pending()).isEqualTo(1);
        assertThat(held.pendingOnThisConnection()).as("the new message took the id on this connection").isEqualTo(1);
    }

    @Test
    void onlyIdsOfThisConnectionCountAgainstTheQuota_MQTT_3_3_4_9() {
        held.begin(1, fp("t", "1"), false, 10, null, recording);
        held.begin(2, fp("t", "2"), false, 10, null, recording);
        held.newConnection();
        assertThat(held.pendingOnThisConnection()).isZero();
        held.begin(3, fp("t", "3"), false, 10, null, recording);
        assertThat(held.pending()).isEqualTo(3);
        assertThat(held.pendingOnThisConnection()).isEqualTo(1);
        assertThat(held.release(1, recording)).isTrue();
        assertThat(held.release(1, recording)).as("unknown now").isFalse();
        assertThat(held.pendingOnThisConnection()).isEqualTo(1);
    }

    @Test
    void carriedOverIdsMakeRoomOldestFirstWhenTheBoundIsReached() {
        held.restore(1, fp("t", "1"));
        held.restore(2, fp("t", "2"));
        held.begin(3, fp("t", "3"), false, 2, null, recording);
        assertThat(held.pending()).isEqualTo(2);
        assertThat(journal).containsExactly("-1", "+3");
        assertThat(held.release(1, recording)).as("the oldest carried-over id went").isFalse();
        assertThat(held.release(2, recording)).isTrue();
    }

    @Test
    void anIdTakenWithAnOwnershipLatchIsJournaledUnownedUntilOwned() {
        OwnershipLatch latch = new OwnershipLatch(42);
        held.begin(9, fp("t", "x"), false, 10, latch, recording);
        assertThat(held.pendingOwnership(9)).isSameAs(latch);
        held.owned(9, recording);
        assertThat(held.pendingOwnership(9)).isNull();
        assertThat(journal).containsExactly("+9@42", "owned 9");
    }

    @Test
    void theFingerprintIsStableAndNeverTheUnknownValue() {
        assertThat(fp("a/b", "payload")).isEqualTo(fp("a/b", "payload")).isNotEqualTo(fp("a/b", "other")).isNotZero();
    }
}
