package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.spi.AuthResult;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.connect5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Server redirection (spec 4.11): an {@code Authenticator} may send a client elsewhere with
 * {@link AuthResult#useAnotherServer} (CONNACK 0x9C) or {@link AuthResult#serverMoved} (0x9D); 5.0 clients get
 * the Server Reference, 3.1.1 clients "server unavailable". The connection is closed either way [MQTT-3.2.2-7].
 */
class RedirectTest {
    private Mqtt5Fixture f;

    @BeforeEach
    void start() {
        f = Mqtt5Fixture.start(TestBrokers.anonymous()
                // an authenticator with no opinion first: the redirect comes from further down the chain
                .authenticator(credentials -> CompletableFuture.completedFuture(AuthResult.next()))
                .authenticator(credentials -> CompletableFuture.completedFuture(switch (credentials.clientId()) {
                    case "moved", "hm-moved" -> AuthResult.serverMoved("new.example:1883");
                    case "busy", "busy3", "hm-busy" -> AuthResult.useAnotherServer("other.example:1883");
                    default -> AuthResult.allow();
                })));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void useAnotherServerIs0x9CWithTheServerReference() {
        RawMqttClient c = f.socket();
        ConnAck ack = f.connAck(c, connect5("busy", true, MqttProperties.EMPTY));
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.USE_ANOTHER_SERVER);
        assertThat(ack.sessionPresent()).isFalse();
        assertThat(ack.properties().string(PropertyId.SERVER_REFERENCE)).contains("other.example:1883");
        assertThat(c.awaitClosed(WAIT)).isTrue();
    }

    @Test
    void serverMovedIs0x9DWithTheServerReference() {
        RawMqttClient c = f.socket();
        ConnAck ack = f.connAck(c, connect5("moved", true, MqttProperties.EMPTY));
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.SERVER_MOVED);
        assertThat(ack.properties().string(PropertyId.SERVER_REFERENCE)).contains("new.example:1883");
        assertThat(c.awaitClosed(WAIT)).isTrue();
    }

    @Test
    void a311ClientIsToldServerUnavailable() {
        RawMqttClient c = f.socket();
        ConnAck ack = f.connAck(c, RawMqttClient.connectPacket(MqttVersion.V3_1_1, "busy3", true, 60));
        // return code 0x03 on the wire, which the test client reads back as the 5.0 code 0x88
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
        assertThat(c.awaitClosed(WAIT)).isTrue();
    }

    @Test
    void otherClientsAreAdmitted() {
        f.v5("welcome");
    }

    @Test
    void hivemqClientSeesTheRedirect() {
        for (String id : new String[]{"hm-busy", "hm-moved"}) {
            Mqtt5BlockingClient c = f.hivemq(id);
            Mqtt5ConnAckException e = catchThrowableOfType(c::connect, Mqtt5ConnAckException.class);
            Mqtt5ConnAck ack = e.getMqttMessage();
            assertThat(ack.getReasonCode()).isEqualTo(id.equals("hm-busy") ? Mqtt5ConnAckReasonCode.USE_ANOTHER_SERVER : Mqtt5ConnAckReasonCode.SERVER_MOVED);
            assertThat(ack.getServerReference().orElseThrow().toString()).isEqualTo(id.equals("hm-busy") ? "other.example:1883" : "new.example:1883");
        }
    }
}
