package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import dev.magpie.Broker;
import dev.magpie.BrokerCapabilities;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A loopback broker on an ephemeral port plus the clients a test opens; {@link #close()} disconnects them
 * and stops the broker. Helpers build the packets the MQTT 5 tests send most.
 */
final class Mqtt5Fixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);
    /** How long "nothing arrives" is watched for; long enough on a loaded machine for a wrongly sent packet. */
    static final Duration QUIET = Duration.ofMillis(400);

    final Broker broker;
    private final List<RawMqttClient> raw = new ArrayList<>();
    private final List<Mqtt5BlockingClient> hivemq = new ArrayList<>();

    private Mqtt5Fixture(Broker.Builder builder) {
        this.broker = builder.build().start();
    }

    static Mqtt5Fixture start() {
        return new Mqtt5Fixture(TestBrokers.anonymous());
    }

    static Mqtt5Fixture start(BrokerCapabilities capabilities) {
        return new Mqtt5Fixture(TestBrokers.anonymous().capabilities(capabilities));
    }

    static Mqtt5Fixture start(BrokerSettings settings) {
        return new Mqtt5Fixture(TestBrokers.anonymous(settings));
    }

    static Mqtt5Fixture start(Broker.Builder builder) {
        return new Mqtt5Fixture(builder);
    }

    int port() {
        return broker.port("tcp");
    }

    /** An open TCP connection that has sent nothing yet. */
    RawMqttClient socket() {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", port());
        raw.add(c);
        return c;
    }

    /** Sends {@code connect} on a new connection and returns the CONNACK, whatever it says. */
    ConnAck connAck(RawMqttClient c, Connect connect) {
        c.send(connect);
        return c.receive(ConnAck.class, WAIT);
    }

    /** A connected client; fails the test unless CONNACK is a success. */
    RawMqttClient connected(Connect connect) {
        RawMqttClient c = socket();
        ConnAck ack = connAck(c, connect);
        assertThat(ack.reasonCode()).as("CONNACK of %s", connect.clientId()).isZero();
        return c;
    }

    /** A 5.0 client with Clean Start 1, keep-alive 60 s and no properties. */
    RawMqttClient v5(String clientId) {
        return connected(connect5(clientId, true, MqttProperties.EMPTY));
    }

    RawMqttClient v5(String clientId, MqttProperties properties) {
        return connected(connect5(clientId, true, properties));
    }

    /** A 3.1.1 client with Clean Session 1. */
    RawMqttClient v311(String clientId) {
        return connected(RawMqttClient.connectPacket(MqttVersion.V3_1_1, clientId, true, 60));
    }

    static Connect connect5(String clientId, boolean cleanStart, MqttProperties properties) {
        return new Connect(MqttVersion.V5, clientId, cleanStart, 60, null, null, null, properties);
    }

    static Connect connect5(String clientId, boolean cleanStart, MqttProperties properties, Connect.Will will) {
        return new Connect(MqttVersion.V5, clientId, cleanStart, 60, null, null, will, properties);
    }

    /** Session Expiry Interval {@code seconds} as CONNECT properties. */
    static MqttProperties sessionExpiry(int seconds) {
        return MqttProperties.builder().integer(dev.magpie.codec.PropertyId.SESSION_EXPIRY_INTERVAL, seconds).build();
    }

    /** Subscribes (packet id 1) and returns the SUBACK. */
    static SubAck subscribe(RawMqttClient c, MqttProperties properties, Subscription... subscriptions) {
        c.send(new Subscribe(1, List.of(subscriptions), properties));
        SubAck ack = c.receive(SubAck.class, WAIT);
        assertThat(ack.packetId()).isEqualTo(1);
        return ack;
    }

    static SubAck subscribe(RawMqttClient c, Subscription... subscriptions) {
        return subscribe(c, MqttProperties.EMPTY, subscriptions);
    }

    /** Subscribes to {@code filter} at {@code qos} and checks it was granted. */
    static void subscribe(RawMqttClient c, String filter, int qos) {
        assertThat(subscribe(c, Subscription.of(filter, qos)).reasonCodes()).containsExactly(qos);
    }

    static Publish publish(String topic, int qos, int packetId, String text) {
        return publish(topic, qos, packetId, text, MqttProperties.EMPTY);
    }

    static Publish publish(String topic, int qos, int packetId, String text, MqttProperties properties) {
        return new Publish(topic, qos, false, false, packetId, text.getBytes(StandardCharsets.UTF_8), properties);
    }

    /**
     * Stores a retained message: published at QoS 1, and the PUBACK awaited, which the broker sends only once
     * the message is stored and routed, so a subscription made afterwards is sure to find it. With nobody subscribed
     * yet the PUBACK says 0x10 No matching subscribers (being retained does not count, spec 3.4.2.1).
     */
    static void storeRetained(RawMqttClient pub, String topic, String text, MqttProperties properties) {
        pub.send(new Publish(topic, 1, true, false, 1, text.getBytes(StandardCharsets.UTF_8), properties));
        assertThat(pub.receive(dev.magpie.codec.PubResponse.class, WAIT).reasonCode())
                .isIn(dev.magpie.codec.ReasonCode.SUCCESS, dev.magpie.codec.ReasonCode.NO_MATCHING_SUBSCRIBERS);
    }

    static String text(Publish p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }

    /** Expects a DISCONNECT with {@code reasonCode}, then the connection closed [MQTT-3.14.4-2]. */
    static Disconnect expectDisconnect(RawMqttClient c, int reasonCode) {
        Disconnect d = c.receive(Disconnect.class, WAIT);
        assertThat(d.reasonCode()).as("DISCONNECT reason code").isEqualTo(reasonCode);
        assertThat(c.awaitClosed(WAIT)).as("closed after DISCONNECT").isTrue();
        return d;
    }

    /** Expects no PUBLISH within the quiet period (other packets are ignored). */
    static void expectNoPublish(RawMqttClient c) {
        expectNoPublish(c, QUIET);
    }

    static void expectNoPublish(RawMqttClient c, Duration quiet) {
        assertThat(c.publishWithin(quiet)).as("no message expected").isEmpty();
    }

    /** Waits until {@code elapsed} has passed since {@code startNanos}: time itself is what the test needs. */
    static void awaitElapsed(long startNanos, Duration elapsed) {
        await().atMost(elapsed.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> System.nanoTime() - startNanos >= elapsed.toNanos());
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** A HiveMQ 5.0 client builder for this broker, closed with the fixture once built through {@link #track}. */
    Mqtt5ClientBuilder hivemqBuilder(String clientId) {
        return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port());
    }

    Mqtt5BlockingClient hivemq(String clientId) {
        return track(hivemqBuilder(clientId).buildBlocking());
    }

    Mqtt5BlockingClient track(Mqtt5BlockingClient client) {
        hivemq.add(client);
        return client;
    }

    @Override
    public void close() {
        for (Mqtt5BlockingClient c : hivemq) {
            try {
                if (c.getState().isConnected()) {
                    c.disconnect();
                }
            } catch (RuntimeException ignored) {
                // the test may have left it half closed; the broker stops anyway
            }
        }
        for (RawMqttClient c : raw) {
            c.close();
        }
        broker.stop();
    }
}
