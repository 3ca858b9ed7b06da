package dev.magpie.limits;

import dev.magpie.Broker;
import dev.magpie.BrokerLimits;
import dev.magpie.Listener;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.magpie.limits.LimitsFixture.QUIET;
import static dev.magpie.limits.LimitsFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Broker-wide max connections and the per-listener connection rate: refused sockets are closed unread. */
class ConnectionLimitsTest {

    private static Broker.Builder twoListeners(BrokerLimits limits) {
        return Broker.builder()
                .listener(Listener.tcp("127.0.0.1", 0).anonymous(true))
                .listener(Listener.tcp("127.0.0.1", 0).named("tcp2").anonymous(true))
                .limits(limits);
    }

    /** limits.max_connections counts every listener together; the N+1th is closed, the N others keep working. */
    @Test
    void brokerWideMaxConnectionsRefusesTheNextOnAnyListenerWhileOthersKeepWorking() {
        try (LimitsFixture f = new LimitsFixture(twoListeners(BrokerLimits.defaults().toBuilder().maxConnections(2).build()))) {
            RawMqttClient publisher = f.connected("tcp", MqttVersion.V3_1_1, "pub");
            RawMqttClient subscriber = f.connected("tcp2", MqttVersion.V3_1_1, "sub");
            assertThat(LimitsFixture.subscribe(subscriber, "t")).containsExactly(1);

            // the third, on either listener, is closed before its CONNECT is read: no CONNACK ever comes
            for (String listener : List.of("tcp", "tcp2")) {
                RawMqttClient third = f.socket(listener);
                third.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "third-" + listener, true, 60));
                assertThat(third.awaitClosed(WAIT)).as("third connection on %s closed", listener).isTrue();
                assertThat(third.poll(QUIET)).isEmpty();
            }

            // the two admitted clients are unaffected
            publisher.send(LimitsFixture.publish("t", 0, 0, "still here"));
            assertThat(subscriber.receive(Publish.class, WAIT).topic()).isEqualTo("t");

            // a slot freed by a disconnect is available again
            publisher.close();
            await().atMost(WAIT).untilAsserted(() -> {
                RawMqttClient again = f.socket("tcp");
                again.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "again", true, 60));
                assertThat(again.poll(QUIET)).isPresent();
            });
        }
    }

    /**
     * Listener.maxConnectionRate: beyond the rate (burst one second's worth) new sockets are closed at once; the
     * refusals are logged at most once a second, so a connection flood does not become a log flood.
     */
    @Test
    void connectionRateClosesTheExcessAndLogsSparingly() {
        Broker.Builder builder = Broker.builder().listener(Listener.tcp("127.0.0.1", 0).anonymous(true).maxConnectionRate(1));
        try (LogCapture log = LogCapture.of("dev.magpie.transport.ConnectionGuard");
             LimitsFixture f = new LimitsFixture(builder)) {
            RawMqttClient first = f.connected("tcp", MqttVersion.V3_1_1, "first");
            List<RawMqttClient> refused = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                refused.add(f.socket());
            }
            long closed = refused.stream().filter(c -> c.awaitClosed(WAIT)).count();
            // 1 per second: at most one of the six can have been let in, even on a slow machine taking a second for them
            assertThat(closed).isGreaterThanOrEqualTo(5);
            List<String> lines = log.messages().stream().filter(m -> m.contains("connections per second")).toList();
            assertThat(lines).isNotEmpty().hasSizeLessThan((int) closed);
            // the admitted client is unaffected
            first.send(dev.magpie.codec.PingReq.INSTANCE);
            assertThat(first.receive(WAIT)).isInstanceOf(dev.magpie.codec.PingResp.class);
        }
    }
}
