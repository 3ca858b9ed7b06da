package dev.magpie.limits;

import dev.magpie.Broker;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.testkit.RawMqttClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A started broker and the raw clients a test opened; {@link #close()} closes them all and stops the broker. */
final class LimitsFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);
    /** How long "nothing arrives" is watched for. */
    static final Duration QUIET = Duration.ofMillis(400);

    final Broker broker;
    private final List<RawMqttClient> clients = new ArrayList<>();

    LimitsFixture(Broker.Builder builder) {
        this.broker = builder.build().start();
    }

    /** An open TCP connection to {@code listener} that has sent nothing yet. */
    RawMqttClient socket(String listener) {
        RawMqttClient c = RawMqttClient.connect(broker.address(listener).getHostString(), broker.port(listener));
        clients.add(c);
        return c;
    }

    RawMqttClient socket() {
        return socket("tcp");
    }

    ConnAck connAck(RawMqttClient c, Connect connect) {
        c.send(connect);
        return c.receive(ConnAck.class, WAIT);
    }

    /** A client of {@code version} with Clean Start 1, checked to be accepted. */
    RawMqttClient connected(String listener, MqttVersion version, String clientId) {
        RawMqttClient c = socket(listener);
        assertThat(connAck(c, RawMqttClient.connectPacket(version, clientId, true, 60)).reasonCode()).as("CONNACK of %s", clientId).isZero();
        return c;
    }

    RawMqttClient v5(String clientId) {
        return connected("tcp", MqttVersion.V5, clientId);
    }

    RawMqttClient v311(String clientId) {
        return connected("tcp", MqttVersion.V3_1_1, clientId);
    }

    static Connect connect(MqttVersion version, String clientId, String username) {
        return new Connect(version, clientId, true, 60, username, null, null, MqttProperties.EMPTY);
    }

    /** Subscribes (packet id 1) to {@code filters} at QoS 1 and returns the reason codes. */
    static List<Integer> subscribe(RawMqttClient c, String... filters) {
        List<Subscription> subs = Arrays.stream(filters).map(f -> Subscription.of(f, 1)).toList();
        c.send(new Subscribe(1, subs, MqttProperties.EMPTY));
        SubAck ack = c.receive(SubAck.class, WAIT);
        return ack.reasonCodes();
    }

    static Publish publish(String topic, int qos, int packetId, String text) {
        return publish(topic, qos, packetId, text.getBytes(StandardCharsets.UTF_8));
    }

    static Publish publish(String topic, int qos, int packetId, byte[] payload) {
        return new Publish(topic, qos, false, false, packetId, payload, MqttProperties.EMPTY);
    }

    @Override
    public void close() {
        clients.forEach(RawMqttClient::close);
        broker.stop();
    }
}
