package dev.magpie.hostile;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strings that are not well-formed UTF-8 or contain U+0000, in every place a client can put a string. Mosquitto up
 * to 1.4.15 passed such topics on, and clients that check UTF-8 disconnected themselves (CVE-2017-7653). The
 * receiver must close the connection [MQTT-1.5.4-1], [MQTT-1.5.4-2]; nothing of it reaches another client.
 * (Invalid topic names in PUBLISH are in {@code protocol.MalformedInputTest}.)
 */
class InvalidUtf8AttackTest extends AttackTest {
    private static final byte[] OVERLONG_SLASH = {(byte) 0xC0, (byte) 0xAF};
    private static final byte[] NUL = {'a', 0, 'b'};
    private static final byte[] SURROGATE = {(byte) 0xED, (byte) 0xA0, (byte) 0x80}; // U+D800 [MQTT-1.5.4-1]
    private static final byte[] TRUNCATED = {'a', (byte) 0xE2, (byte) 0x82};

    /** A bad string and where it goes: a 3.1.1 CONNECT field, or a packet sent after a 5.0 CONNECT. */
    record Case(String name, byte[] connect, byte[] afterConnect) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("client id with an overlong '/'", connect(OVERLONG_SLASH, null, null), null),
                new Case("client id with U+0000", connect(NUL, null, null), null),
                new Case("user name with a surrogate", connect("c".getBytes(), SURROGATE, null), null),
                new Case("will topic cut in the middle of a character", connect("c".getBytes(), null, TRUNCATED), null),
                new Case("SUBSCRIBE filter with U+0000", null, packet(0x82, concat(new byte[] {0, 1, 0}, string(NUL), new byte[] {0}))),
                new Case("UNSUBSCRIBE filter with a surrogate", null, packet(0xA2, concat(new byte[] {0, 1, 0}, string(SURROGATE)))),
                new Case("user property name with an overlong '/'", null,
                        packet(0x30, concat(string("t".getBytes()), new byte[] {(byte) (5 + OVERLONG_SLASH.length)}, new byte[] {0x26},
                                string(OVERLONG_SLASH), string("v".getBytes())))),
                new Case("reason string with U+0000 in DISCONNECT", null, packet(0xE0, concat(new byte[] {0, (byte) (3 + NUL.length), 0x1F}, string(NUL)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedStringClosesTheConnection(Case bad) throws Exception {
        if (bad.connect() != null) {
            try (RawMqttClient attacker = socket()) {
                attacker.sendRaw(bad.connect());
                Optional<MqttPacket> answer = attacker.poll(WAIT);
                answer.ifPresent(p -> assertThat(((ConnAck) p).reasonCode()).as("never accepted").isNotZero());
                assertThat(attacker.awaitClosed(WAIT)).isTrue();
            }
        } else {
            try (RawMqttClient attacker = attacker(MqttVersion.V5, "bad-utf8")) {
                attacker.sendRaw(bad.afterConnect());
                Optional<MqttPacket> answer = attacker.poll(WAIT);
                if (answer.isPresent()) {
                    assertThat(answer.get()).isInstanceOf(Disconnect.class);
                    assertThat(((Disconnect) answer.get()).reasonCode()).isIn(ReasonCode.MALFORMED_PACKET, ReasonCode.PROTOCOL_ERROR);
                }
                assertThat(attacker.awaitClosed(WAIT)).isTrue();
            }
        }
        survived();
    }

    /** A 3.1.1 CONNECT with the given raw client id, and optionally a raw user name or will topic. */
    private static byte[] connect(byte[] clientId, byte[] username, byte[] willTopic) {
        int flags = 0x02 | (willTopic != null ? 0x04 : 0) | (username != null ? 0x80 : 0);
        byte[] header = concat(string("MQTT".getBytes()), new byte[] {4, (byte) flags, 0, 60});
        byte[] payload = concat(string(clientId),
                willTopic != null ? concat(string(willTopic), string("w".getBytes())) : new byte[0],
                username != null ? string(username) : new byte[0]);
        return packet(0x10, concat(header, payload));
    }

    private static byte[] string(byte[] raw) {
        return concat(new byte[] {(byte) (raw.length >> 8), (byte) raw.length}, raw);
    }

    /** A packet with a one-byte remaining length (every case here is shorter than 128 bytes). */
    private static byte[] packet(int firstByte, byte[] body) {
        return concat(new byte[] {(byte) firstByte, (byte) body.length}, body);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

}
