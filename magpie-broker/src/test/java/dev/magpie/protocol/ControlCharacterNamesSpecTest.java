package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client ids and user names with control characters would forge log lines (CWE-117: {@code \n} starting a fake
 * entry, ANSI escapes repainting the operator's terminal). MQTT says such code points SHOULD NOT be sent
 * [MQTT-1.5.4] and lets the server refuse: 0x85 Client Identifier not valid / 0x86 Bad User Name or Password (3.1.1:
 * 0x02 / 0x04). Byte vectors, so no client library cleans the strings first.
 */
class ControlCharacterNamesSpecTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private Broker broker;

    @BeforeEach
    void start() {
        broker = TestBrokers.anonymous().build().start();
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    /** Sends {@code connect} (its protocol level at byte 8) and returns the CONNACK's code, read as 5.0 codes. */
    private int refusal(byte[] connect) {
        try (RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port("tcp")).version(connect[8] == 5 ? MqttVersion.V5 : MqttVersion.V3_1_1)) {
            c.sendRaw(connect);
            int code = c.receive(ConnAck.class, WAIT).reasonCode();
            assertThat(c.awaitClosed(WAIT)).isTrue();
            return code;
        }
    }

    @Test
    void aNewlineInA311ClientIdIsRefusedWith0x02AndNotLoggedRaw() {
        try (LogCapture log = LogCapture.of(ConnectGate.class)) {
            int code = refusal(new byte[] {
                    0x10, 15,                           // CONNECT, remaining length
                    0, 4, 'M', 'Q', 'T', 'T', 4,        // protocol name, level 4 (3.1.1)
                    0x02, 0, 60,                        // Clean Session, keep-alive 60 s
                    0, 3, 'a', '\n', 'b'});             // client id "a\nb"
            assertThat(code).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID); // read back from 3.1.1 0x02
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("U+000A"));
            assertThat(log.messages()).allSatisfy(m -> assertThat(m).doesNotContain("\n"));
        }
    }

    @Test
    void anAnsiEscapeInA311UserNameIsRefusedWith0x04() {
        int code = refusal(new byte[] {
                0x10, 21,
                0, 4, 'M', 'Q', 'T', 'T', 4,
                (byte) 0x82, 0, 60,                     // user name flag, Clean Session
                0, 2, 'c', '1',                         // client id "c1"
                0, 5, 0x1B, '[', '3', '1', 'm'});       // user name ESC[31m
        assertThat(code).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD); // read back from 3.1.1 0x04
    }

    @Test
    void c1ControlsAndDeleteInA50ClientIdAreRefusedWith0x85() {
        // U+0085 (NEXT LINE) is C2 85 in UTF-8; U+007F is 7F
        assertThat(refusal(new byte[] {
                0x10, 17,
                0, 4, 'M', 'Q', 'T', 'T', 5,
                0x02, 0, 60, 0,                         // Clean Start, keep-alive, no properties
                0, 4, 'i', (byte) 0xC2, (byte) 0x85, 'd'})).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
        assertThat(refusal(new byte[] {
                0x10, 16,
                0, 4, 'M', 'Q', 'T', 'T', 5,
                0x02, 0, 60, 0,
                0, 3, 'i', 0x7F, 'd'})).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
    }

    @Test
    void aTabInA50UserNameIsRefusedWith0x86() {
        assertThat(refusal(new byte[] {
                0x10, 20,
                0, 4, 'M', 'Q', 'T', 'T', 5,
                (byte) 0x82, 0, 60, 0,
                0, 2, 'c', '2',
                0, 3, 'b', '\t', 'b'})).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void ordinaryUnicodeNamesAreStillAdmitted() {
        byte[] id = "capteur-température".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] head = {0x10, (byte) (13 + id.length), 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, (byte) id.length};
        byte[] packet = new byte[head.length + id.length];
        System.arraycopy(head, 0, packet, 0, head.length);
        System.arraycopy(id, 0, packet, head.length, id.length);
        try (RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port("tcp")).version(MqttVersion.V5)) {
            c.sendRaw(packet);
            assertThat(c.receive(ConnAck.class, WAIT).reasonCode()).isZero();
        }
    }
}
