package dev.magpie.observe.metrics;

import dev.magpie.Broker;
import dev.magpie.BrokerException;
import dev.magpie.BrokerLimits;
import dev.magpie.BrokerSettings;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.PrometheusText;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The drop reasons counted where they happen ({@code too_large}: a PUBLISH over {@code max_packet_size};
 * {@code rate_limit}: over the message rate with the disconnect action), and a metrics port that is taken.
 */
class DropReasonsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static double dropped(Broker broker, String reason) {
        return PrometheusText.scrape("http://127.0.0.1:" + broker.metricsAddress().getPort() + "/metrics")
                .value("magpie_messages_dropped_by_reason_total", "reason", reason);
    }

    private static MqttClient connect(Broker broker, String id) throws MqttException {
        MqttClient client = new MqttClient(TestBrokers.uri(broker), id, new MemoryPersistence());
        client.connect(PahoOptions.v3());
        return client;
    }

    @Test
    void aPublishOverTheMaximumPacketSizeIsDroppedAsTooLarge() throws Exception {
        Broker broker = TestBrokers.anonymous(BrokerSettings.defaults().withMaxPacketSize(1024))
                .metrics(MetricsSettings.defaults().withLoopbackPort(0)).build().start();
        try {
            MqttClient client = connect(broker, "big");
            assertThat(dropped(broker, "too_large")).isZero();
            // Paho's token for a write cut short by the broker's close may never complete: bound the wait
            client.setTimeToWait(2_000);
            try {
                client.publish("big/one", new byte[4096], 0, false);
            } catch (MqttException e) {
                // the broker closes the connection; Paho may notice while sending
            }
            await().atMost(WAIT).until(() -> dropped(broker, "too_large") == 1);
            client.close(true);
        } finally {
            broker.stop();
        }
    }

    @Test
    void aPublishOverTheRateWithTheDisconnectActionIsDroppedAsRateLimit() throws Exception {
        BrokerLimits limits = BrokerLimits.defaults().toBuilder().messageRate(1).rateLimitAction(BrokerLimits.RateLimitAction.DISCONNECT).build();
        Broker broker = TestBrokers.anonymous().limits(limits).metrics(MetricsSettings.defaults().withLoopbackPort(0)).build().start();
        try {
            MqttClient client = connect(broker, "fast");
            try {
                for (int i = 0; i < 5 && client.isConnected(); i++) {
                    client.publish("fast/t", new byte[]{1}, 0, false);
                }
            } catch (MqttException e) {
                // disconnected for going over the rate
            }
            await().atMost(WAIT).until(() -> dropped(broker, "rate_limit") >= 1);
            client.close(true);
        } finally {
            broker.stop();
        }
    }

    @Test
    void aMetricsPortInUseFailsTheStartAndSaysWhich() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Broker broker = TestBrokers.anonymous().metrics(MetricsSettings.defaults().withLoopbackPort(taken.getLocalPort())).build();
            assertThatThrownBy(broker::start).isInstanceOf(BrokerException.class)
                    .hasMessageContaining("cannot bind the metrics port 127.0.0.1:" + taken.getLocalPort());
            broker.stop();
        }
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        assertThatThrownBy(() -> MetricsSettings.defaults().withPath("/health")).hasMessageContaining("not be /health or /ready");
        assertThatThrownBy(() -> MetricsSettings.defaults().withToken("short")).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> MetricsSettings.defaults().withLoopbackPort(65_536)).hasMessageContaining("loopbackPort must be");
        assertThat(MetricsSettings.defaults().withToken("0123456789abcdef").toString()).doesNotContain("0123456789abcdef");
    }
}
