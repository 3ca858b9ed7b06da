package dev.magpie.cluster.session;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stored session's bytes, field by field, and the bytes that are refused. */
class SessionStateCodecTest {
    private static final byte[] NONE = new byte[0];

    private static final SessionState.Client BOB = new SessionState.Client(Optional.of("bob"), 4, "tcp");

    private static final SessionState STATE = new SessionState(BOB, 300,
            List.of(new SessionState.Subscription("a/+", 1, true, true, 2, 7)),
            Optional.of(new SessionState.Will("w", 1, true, 5, NONE, bytes("x"))),
            List.of(new SessionState.Message("t", 1, 1, 0, NONE, bytes("hi"))),
            List.of(new SessionState.Inflight(1, Optional.of(new SessionState.Message("t", 2, 2, 0, NONE, NONE))),
                    new SessionState.Inflight(2, Optional.empty())));

    /** A state as version 1 wrote it: without the client fields. */
    private static final byte[] V1_BYTES = {
            0x01,                                   // version 1
            0x00, 0x00, 0x01, 0x2C,                 // session expiry 300 s
            0x00, 0x01,                             // 1 subscription
            0x00, 0x03, 'a', '/', '+',              //   filter "a/+"
            0x2D,                                   //   QoS 1 | No Local 0x04 | Retain As Published 0x08 | Retain Handling 2 << 4
            0x00, 0x00, 0x00, 0x07,                 //   subscription identifier 7
            0x01,                                   // a will follows
            0x00, 0x01, 'w',                        //   topic "w"
            0x05,                                   //   QoS 1 | RETAIN 0x04
            0x00, 0x00, 0x00, 0x05,                 //   Will Delay Interval 5 s
            0x00, 0x00, 0x00, 0x00,                 //   no properties
            0x00, 0x00, 0x00, 0x01, 'x',            //   payload "x"
            0x00, 0x00, 0x00, 0x01,                 // 1 queued message
            0x00, 0x01, 't', 0x01,                  //   topic "t", QoS 1
            0, 0, 0, 0, 0, 0, 0, 1,                 //   published at 1 ms
            0, 0, 0, 0, 0, 0, 0, 0,                 //   never expires
            0x00, 0x00, 0x00, 0x00,                 //   no properties
            0x00, 0x00, 0x00, 0x02, 'h', 'i',       //   payload "hi"
            0x00, 0x02,                             // 2 in flight
            0x00, 0x01, 0x00,                       //   packet id 1, awaiting PUBREC: message follows
            0x00, 0x01, 't', 0x02,                  //     topic "t", QoS 2
            0, 0, 0, 0, 0, 0, 0, 2,                 //     published at 2 ms
            0, 0, 0, 0, 0, 0, 0, 0,                 //     never expires
            0x00, 0x00, 0x00, 0x00,                 //     no properties
            0x00, 0x00, 0x00, 0x00,                 //     empty payload
            0x00, 0x02, 0x01,                       //   packet id 2, PUBREL sent: no message
    };

    /** Version 2: the client after the version byte, then the fields of version 1. */
    private static final byte[] STATE_BYTES = concat(new byte[] {
            0x02,                                   // version 2
            0x04,                                   // protocol level 4 (MQTT 3.1.1)
            0x00, 0x03, 't', 'c', 'p',              // listener "tcp"
            0x01, 0x00, 0x03, 'b', 'o', 'b',        // user name "bob"
    }, Arrays.copyOfRange(V1_BYTES, 1, V1_BYTES.length));

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void encodesEveryFieldInOrder() {
        assertThat(SessionStateCodec.encode(STATE)).containsExactly(STATE_BYTES);
    }

    @Test
    void decodesTheVectorBackToTheSameState() {
        SessionState decoded = SessionStateCodec.decode(STATE_BYTES);
        assertThat(decoded.client()).isEqualTo(BOB);
        assertThat(decoded.expirySeconds()).isEqualTo(300);
        assertThat(decoded.subscriptions()).containsExactly(new SessionState.Subscription("a/+", 1, true, true, 2, 7));
        assertThat(decoded.will()).hasValueSatisfying(w -> {
            assertThat(w.topic()).isEqualTo("w");
            assertThat(w.retain()).isTrue();
            assertThat(w.delaySeconds()).isEqualTo(5);
            assertThat(w.payload()).containsExactly('x');
        });
        assertThat(decoded.queued()).singleElement().satisfies(m -> assertThat(m.payload()).containsExactly('h', 'i'));
        assertThat(decoded.inflight()).extracting(SessionState.Inflight::packetId).containsExactly(1, 2);
        assertThat(decoded.inflight().get(1).message()).isEmpty();
        assertThat(SessionStateCodec.encode(decoded)).containsExactly(STATE_BYTES);
    }

    @Test
    void aVersionOneStateStillDecodesWithAnUnknownClient() {
        SessionState decoded = SessionStateCodec.decode(V1_BYTES);
        assertThat(decoded.client()).isEqualTo(SessionState.Client.UNKNOWN);
        assertThat(decoded.subscriptions()).containsExactly(new SessionState.Subscription("a/+", 1, true, true, 2, 7));
        assertThat(decoded.inflight()).hasSize(2);
    }

    @Test
    void anEmptySessionOfAnAnonymousClientIsEighteenBytes() {
        SessionState empty = new SessionState(new SessionState.Client(Optional.empty(), 5, "ws"), 0, List.of(),
                Optional.empty(), List.of(), List.of());
        byte[] encoded = SessionStateCodec.encode(empty);
        // version, level 5, listener "ws", no user name, expiry 0, 0 subscriptions, no will, 0 queued, 0 in flight
        assertThat(encoded).containsExactly(2, 5, 0, 2, 'w', 's', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(SessionStateCodec.decode(encoded)).isEqualTo(empty);
    }

    @Test
    void refusesEveryTruncationOfTheVector() {
        for (byte[] vector : List.of(STATE_BYTES, V1_BYTES)) {
            for (int length = 0; length < vector.length; length++) {
                byte[] truncated = Arrays.copyOf(vector, length);
                assertThatThrownBy(() -> SessionStateCodec.decode(truncated)).as("%d bytes", length)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void refusesForeignVersionsBadFlagsHugeCountsAndTrailingBytes() {
        byte[] version3 = STATE_BYTES.clone();
        version3[0] = 3;
        assertThatThrownBy(() -> SessionStateCodec.decode(version3)).hasMessageContaining("unknown version 3");
        byte[] level9 = STATE_BYTES.clone();
        level9[1] = 9;
        assertThatThrownBy(() -> SessionStateCodec.decode(level9)).hasMessageContaining("protocol level 9");
        // the offsets below are version 1's
        byte[] qos3 = V1_BYTES.clone();
        qos3[12] = 0x2F; // subscription QoS 3
        assertThatThrownBy(() -> SessionStateCodec.decode(qos3)).hasMessageContaining("subscription options 0x2f");
        byte[] hugeQueue = V1_BYTES.clone();
        hugeQueue[37] = (byte) 0x7F; // 2 billion queued messages announced: refused before anything is allocated
        assertThatThrownBy(() -> SessionStateCodec.decode(hugeQueue)).hasMessageContaining("entries announced");
        byte[] trailing = Arrays.copyOf(STATE_BYTES, STATE_BYTES.length + 1);
        assertThatThrownBy(() -> SessionStateCodec.decode(trailing)).hasMessageContaining("1 bytes after");
        byte[] packetIdZero = STATE_BYTES.clone();
        packetIdZero[STATE_BYTES.length - 2] = 0; // the last in-flight entry's packet id 2 -> 0
        assertThatThrownBy(() -> SessionStateCodec.decode(packetIdZero)).hasMessageContaining("packet id 0");
    }
}
