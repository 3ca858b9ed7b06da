package dev.magpie.transport;

import dev.magpie.observe.BrokerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The caps on HTTP answers under way (issue 10, must fix 6): per listener, per address, released once. */
class ResponseSlotsTest {
    private final BrokerMetrics metrics = new BrokerMetrics(new SimpleMeterRegistry());

    @Test
    void theListenerAndTheAddressCapsHoldAndSlotsComeBack() throws Exception {
        ResponseSlots slots = new ResponseSlots("ws", 3, 2, metrics);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        ResponseSlots.Slot a1 = slots.tryAcquire(a).orElseThrow();
        slots.tryAcquire(a).orElseThrow();
        assertThat(slots.tryAcquire(a)).as("the address's cap").isEmpty();
        slots.tryAcquire(b).orElseThrow();
        assertThat(slots.tryAcquire(b)).as("the listener's cap").isEmpty();
        assertThat(slots.inUse()).isEqualTo(3);
        a1.release();
        a1.release(); // twice is harmless
        assertThat(slots.inUse()).isEqualTo(2);
        assertThat(slots.tryAcquire(b)).isPresent();
        assertThat(metrics.limitHits("http_responses")).isEqualTo(2);
    }

    @Test
    void zeroMeansUnlimited() throws Exception {
        ResponseSlots slots = new ResponseSlots("ws", 0, 0, metrics);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        for (int i = 0; i < 1000; i++) {
            assertThat(slots.tryAcquire(a)).isNotEqualTo(Optional.empty());
        }
    }
}
