package dev.magpie.hostile;

import dev.magpie.codec.MqttVersion;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.UnreadSocket;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PINGREQ without reading (issue 10, must-fix 1): a client past CONNECT, anonymous, writes PINGREQs into a socket
 * whose receive window it keeps closed. Before the fix every PINGRESP stayed queued on the broker until the heap ran
 * out (12 MB of PINGREQ with -Xmx512m) and the process served no one. Now a full output stops reading (and decoding)
 * that client, and an output that does not drain for {@code unflushed_output_timeout} closes it. This test runs the
 * flood beside the good clients and checks they are served throughout and the broker's state comes back; the memory
 * bound and the close are measured on a real process with a small heap in magpie-server's
 * {@code UnreadAnswersExhaustionTest} (in this JVM, paranoid leak detection makes the broker too slow to fill the
 * kernel's socket buffers within a test's time).
 */
class PingFloodWithoutReadingAttackTest extends AttackTest {
    private static final byte[] PINGREQ = {(byte) 0xC0, 0x00};
    private static final long FLOOD_BYTES = 64L * 1024 * 1024;
    private static final Duration FLOOD_TIME = Duration.ofSeconds(3);

    @Test
    void goodClientsAreServedWhileAClientFloodsPingreqWithoutReading() throws Exception {
        try (UnreadSocket attacker = UnreadSocket.connect(broker.port(),
                RawMqttClient.connectPacket(MqttVersion.V5, "never-reads", true, 60), 4096)) {
            // never stops early: a broker slower than the flood is not a broker that stopped reading
            CompletableFuture<UnreadSocket.Flood> flood = CompletableFuture.supplyAsync(
                    () -> attacker.flood(PINGREQ, FLOOD_BYTES, FLOOD_TIME, FLOOD_TIME));
            traffic.awaitProgress(20); // during the flood
            UnreadSocket.Flood result = flood.get(FLOOD_TIME.toSeconds() + 10, TimeUnit.SECONDS);
            assertThat(result.bytesWritten()).as("the attacker got PINGREQs in: " + result).isPositive();
            assertThat(result.closedByPeer()).as("anonymous PINGREQs are no protocol violation").isFalse();
            traffic.awaitProgress(20); // with its unread answers still on the broker
        }
        survived();
    }
}
