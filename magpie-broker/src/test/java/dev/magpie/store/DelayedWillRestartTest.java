package dev.magpie.store;

import dev.magpie.Broker;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A delayed will that fell due while the broker was down is published once at the restart [MQTT-3.1.3-9], and its
 * stored copy goes with it, so the next restart does not publish it again. The kill -9 suite
 * ({@code DelayedWillCrashTest}) once saw it published twice: the restored will's task could run before it was
 * recorded as the session's delayed will, and then its stored copy was never removed.
 */
@Timeout(30)
class DelayedWillRestartTest extends BrokerRestartTest {

    @Test
    void aWillDueWhileTheBrokerWasDownIsPublishedOnceAndForgotten_MQTT_3_1_3_9() throws Exception {
        Broker first = startOnDir();
        leaveAWillWatcher(first);
        dropWithADelayedWill(first, "device", 1);
        long dueAt = System.currentTimeMillis() + 1_000;
        await().atMost(WAIT).until(() -> committed("SELECT COUNT(*) FROM pending_wills") == 1);
        first.stop(); // before the will is due: it stays stored

        await().atMost(WAIT).until(() -> System.currentTimeMillis() > dueAt + 100);
        Broker second = startOnDir(); // it is due: published at once, into the watcher's queue
        await().atMost(WAIT).until(() -> committed("SELECT COUNT(*) FROM pending_wills") == 0);
        second.stop();

        Broker third = startOnDir();
        RawMqttClient back = client(third, "will-watcher", false, PERSISTENT, true);
        Publish will = back.receive(Publish.class, WAIT);
        assertThat(text(will)).isEqualTo("gone");
        back.send(PubResponse.of(PacketType.PUBACK, will.packetId()));
        assertThat(back.publishWithin(QUIET)).as("published once, not again at the third start").isEmpty();
    }
}
