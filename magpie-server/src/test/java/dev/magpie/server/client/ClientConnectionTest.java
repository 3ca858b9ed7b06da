package dev.magpie.server.client;

import dev.magpie.codec.MqttVersion;
import dev.magpie.server.doctor.FakeServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ClientConnection} against brokers that misbehave or are of another kind, faked on a loopback socket:
 * each way a connection fails ends as one {@link ClientFailure} of the right kind with a message that says what to
 * change, never a hang or a stack trace.
 */
@Timeout(20)
class ClientConnectionTest {

    private static ClientFailure failureOf(FakeServer server, MqttVersion version, Duration timeout) {
        Endpoint endpoint = Endpoint.tcp("127.0.0.1", server.port(), ClientTls.off());
        ClientLogin login = ClientLogin.anonymous(version, "probe");
        try {
            ClientConnection.open(endpoint, login, timeout, m -> { }, line -> { }).close();
        } catch (ClientFailure failure) {
            return failure;
        }
        throw new AssertionError("the connection was accepted");
    }

    @Test
    void aBrokerThatSpeaksOnly311AnsweringA50ConnectIsToldApartFromAMalformedOne() throws Exception {
        // [MQTT-3.2.2-4] return code 1 in 3.1.1 form (remaining length 2, no properties): not a valid 5.0 CONNACK
        try (FakeServer server = FakeServer.start(socket -> {
            InputStream in = socket.getInputStream();
            in.read(new byte[256]);
            socket.getOutputStream().write(new byte[]{0x20, 0x02, 0x00, 0x01});
            in.read();
        })) {
            ClientFailure failure = failureOf(server, MqttVersion.V5, Duration.ofSeconds(5));

            assertThat(failure.kind()).isEqualTo(ClientFailure.Kind.NETWORK);
            assertThat(failure.getMessage()).startsWith("the broker sent a malformed packet: ").endsWith("try -V 311)");
        }
    }

    @Test
    void aServerThatNeverAnswersConnectTimesOutNamingTheStepItWaitedFor() throws Exception {
        try (FakeServer server = FakeServer.start(socket -> socket.getInputStream().transferTo(OutputStream.nullOutputStream()))) {
            ClientFailure failure = failureOf(server, MqttVersion.V3_1_1, Duration.ofMillis(500));

            assertThat(failure.kind()).isEqualTo(ClientFailure.Kind.TIMEOUT);
            assertThat(failure.getMessage()).isEqualTo("no answer from mqtt://127.0.0.1:" + server.port()
                    + " within 500 ms while waiting for CONNACK");
        }
    }

    @Test
    void aServerThatClosesInsteadOfAnsweringIsANetworkFailureNotAHang() throws Exception {
        try (FakeServer server = FakeServer.start(socket -> {
            socket.getInputStream().read(new byte[256]);
            socket.close();
        })) {
            ClientFailure failure = failureOf(server, MqttVersion.V5, Duration.ofSeconds(5));

            assertThat(failure.kind()).isEqualTo(ClientFailure.Kind.NETWORK);
            assertThat(failure.getMessage()).startsWith("the broker closed the connection while we waited for CONNACK (")
                    .contains("--cafile").endsWith("try -V 311)");
        }
    }

    @Test
    void aSessionExpiryNeedsMqtt5AndAPasswordWithoutUserNameIsRefusedFor311() {
        // [MQTT-3.1.2-22] 3.1.1: no password without a user name; the expiry is a 5.0 property
        assertThatThrownBy(() -> new ClientLogin(MqttVersion.V3_1_1, "c", true, 0, 60, null, new byte[]{1}, null))
                .hasMessageContaining("[MQTT-3.1.2-22]");
        assertThatThrownBy(() -> new ClientLogin(MqttVersion.V3_1_1, "c", false, 60, 60, null, null, null))
                .hasMessageContaining("MQTT 5.0");
        assertThat(new ClientLogin(MqttVersion.V5, "c", true, 0, 60, null, new byte[]{1}, null).toString())
                .doesNotContain("password");
    }
}
