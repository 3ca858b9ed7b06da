package dev.magpie.hostile;

import dev.magpie.BrokerLimits;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import dev.magpie.codec.Subscribe;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.UnreadSocket;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests whose answers the client never reads (issue 10, must-fix 1): a client past CONNECT writes PINGREQs (or
 * QoS 1 PUBLISHes, each owed a PUBACK) into a socket whose receive window it keeps closed. Before the fix every
 * PINGRESP stayed queued on the broker until the heap ran out (12 MB of PINGREQ with -Xmx512m). Now the broker stops
 * reading a client whose output is full, so the attacker's own writes block, and it closes a client whose output
 * has not drained for {@code unflushed_output_timeout} (2 s here, 30 s by default), counted as
 * {@code magpie.limits{limit=unflushed_output}}.
 */
class PingFloodWithoutReadingAttackTest extends AttackTest {
    private static final byte[] PINGREQ = {(byte) 0xC0, 0x00};
    /** Far more than the kernel buffers between the two sockets hold: a broker that kept reading would swallow it all. */
    private static final long FLOOD_BYTES = 256L * 1024 * 1024;
    private static final Duration STALL = Duration.ofSeconds(1);

    @Override
    BrokerLimits limits() {
        return BrokerLimits.defaults().toBuilder()
                .unflushedOutput(new BrokerLimits.UnflushedOutput(Duration.ofSeconds(2), 0))
                .build();
    }

    @Test
    void pingreqsWithoutReadingStopBeingReadAndTheClientIsClosed() throws Exception {
        attack(PINGREQ);
    }

    @Test
    void qos1PublishesWithoutReadingTheirPubacksStopBeingRead() throws Exception {
        byte[][] packets = new byte[200][];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = RawMqttClient.encode(new Publish("attack/unread", 1, false, false, i + 1, new byte[8], MqttProperties.EMPTY),
                    MqttVersion.V5);
        }
        attack(concat(packets));
    }

    @Test
    void subscribesWithoutReadingTheirSubacksStopBeingRead() throws Exception {
        byte[] subscribe = RawMqttClient.encode(new Subscribe(7, List.of(Subscribe.Subscription.of("attack/unread/#", 0)),
                MqttProperties.EMPTY), MqttVersion.V5);
        attack(subscribe);
    }

    private void attack(byte[] packet) throws Exception {
        try (UnreadSocket attacker = UnreadSocket.connect(broker.port(),
                RawMqttClient.connectPacket(MqttVersion.V5, "never-reads", true, 60), 4096)) {
            UnreadSocket.Flood flood = attacker.flood(packet, FLOOD_BYTES, STALL, Duration.ofSeconds(15));
            System.out.println("FLOOD " + flood);

            assertThat(flood.bytesWritten()).as("the broker stopped reading the attacker: " + flood).isLessThan(FLOOD_BYTES);
            traffic.awaitProgress(20); // the good clients are served while the attacker is blocked
            await().atMost(WAIT).until(() -> broker.limitHits("unflushed_output") == 1);
            assertThat(attacker.awaitClosed(WAIT)).as("the broker closed the attacker").isTrue();
        }
        survived();
    }

    private static byte[] concat(byte[][] parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
