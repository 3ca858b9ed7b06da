package dev.magpie.transport;

import dev.magpie.Broker;
import dev.magpie.BrokerException;
import dev.magpie.IoTransport;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestCertificates;
import io.netty.channel.uring.IoUring;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Every {@link IoTransport} carries the same MQTT: a QoS 0 and a QoS 1 message [MQTT-4.3.1, MQTT-4.3.2] over TCP, TLS
 * and WebSocket from one Paho client to another, in order [MQTT-4.6.0-5], and the start-up line names the transport. A
 * transport the platform cannot run fails start() with the reason, never a broker half started.
 */
class IoTransportTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(IoTransport.class)
    void eachTransportCarriesMessagesOverTcpTlsAndWebSocket(IoTransport transport) throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("certs"));
        Broker.Builder builder = Broker.builder().transport(transport)
                .listener(Listener.tcp("127.0.0.1", 0).anonymous(true))
                .listener(Listener.tls("127.0.0.1", 0, TlsSettings.pem(certs.serverCert, certs.serverKey)).named("tls").anonymous(true))
                .listener(Listener.ws("127.0.0.1", 0).named("ws").anonymous(true));
        if (transport == IoTransport.IO_URING && !IoUring.isAvailable()) {
            Broker broker = builder.build();
            assertThatThrownBy(broker::start).isInstanceOf(BrokerException.class).hasMessageContaining("transport io_uring is not available here");
            return;
        }
        String expected = switch (transport) {
            case AUTO, EPOLL -> "via epoll";
            case IO_URING -> "via io_uring";
            case NIO -> "via nio";
        };
        Broker broker;
        try (LogCapture log = LogCapture.of(Broker.class)) {
            broker = builder.build().start();
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("listener tcp", expected));
        }
        List<MqttClient> clients = new ArrayList<>();
        try {
            for (String uri : List.of("tcp://127.0.0.1:" + broker.port("tcp"), "ssl://127.0.0.1:" + broker.port("tls"),
                    "ws://127.0.0.1:" + broker.port("ws") + "/mqtt")) {
                List<String> received = new CopyOnWriteArrayList<>();
                MqttClient subscriber = connect(uri, "sub", certs, clients);
                subscriber.subscribe("t/#", 1, (IMqttMessageListener) (topic, m) -> received.add(topic + "=" + new String(m.getPayload(), StandardCharsets.UTF_8)));
                MqttClient publisher = connect(uri, "pub", certs, clients);
                publisher.publish("t/a", "zero".getBytes(StandardCharsets.UTF_8), 0, false);
                publisher.publish("t/b", "one".getBytes(StandardCharsets.UTF_8), 1, false);
                await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
                assertThat(received).as(uri).containsExactly("t/a=zero", "t/b=one");
                subscriber.disconnect();
                publisher.disconnect();
            }
        } finally {
            for (MqttClient c : clients) {
                if (c.isConnected()) {
                    c.disconnectForcibly(100, 100);
                }
                c.close();
            }
            broker.stop();
        }
    }

    private static MqttClient connect(String uri, String id, TestCertificates certs, List<MqttClient> clients) throws Exception {
        MqttClient c = new MqttClient(uri, id, new MemoryPersistence());
        clients.add(c);
        MqttConnectOptions o = PahoOptions.v3();
        if (uri.startsWith("ssl:")) {
            o.setSocketFactory(TestCertificates.clientContext(certs.caCert).getSocketFactory());
            o.setHttpsHostnameVerificationEnabled(false);
        }
        c.connect(o);
        return c;
    }
}
