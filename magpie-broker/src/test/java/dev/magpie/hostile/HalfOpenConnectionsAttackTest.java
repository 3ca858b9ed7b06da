package dev.magpie.hostile;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.magpie.BrokerSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of TCP connections that never finish a CONNECT: some send nothing, some the first byte of a fixed
 * header, some a CONNECT cut short. Each costs the broker a socket and a channel until the CONNECT timeout closes
 * it; all of them must be closed by that timeout, the connection count must return to where it was, and the
 * well-behaved clients must keep working meanwhile. The count is sized to the file descriptor limit (client and
 * server ends are both in this process), at most 2,000.
 */
class HalfOpenConnectionsAttackTest extends AttackTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final byte[][] OPENINGS = {{}, {0x10}, {0x10, 0x0C, 0x00, 0x04, 'M', 'Q'}};

    @Override
    BrokerSettings settings() {
        return BrokerSettings.defaults().withConnectTimeout(CONNECT_TIMEOUT);
    }

    @Test
    void connectionsThatNeverConnectAreAllClosedByTheConnectTimeout() throws Exception {
        UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int count = (int) Math.min(2_000, (os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount()) / 3);
        assertThat(count).as("file descriptors for the attack (ulimit -n)").isGreaterThanOrEqualTo(100);
        List<Socket> sockets = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                Socket s = new Socket();
                sockets.add(s);
                s.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5_000);
                byte[] opening = OPENINGS[i % OPENINGS.length];
                if (opening.length > 0) {
                    s.getOutputStream().write(opening);
                }
            }
            traffic.awaitProgress(20); // while they are open

            long before = broker.baseline("magpie.connections");
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.gauge("magpie.connections") == before);
            for (Socket s : sockets) {
                assertThat(SlowlorisAttackTest.readsEndOfStream(s, Duration.ofSeconds(2))).as("closed by the broker").isTrue();
            }
        } finally {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing is best effort
                }
            }
        }
        survived();
    }
}
