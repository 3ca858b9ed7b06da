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

    private static final SessionState STATE = new SessionState(300,
            List.of(new SessionState.Subscription("a/+", 1, true, true, 2, 7)),
            Optional.of(new SessionState.Will("w", 1, true, 5, NONE, bytes("x"))),
            List.of(new SessionState.Message("t", 1, 1, 0, NONE, bytes("hi"))),
            List.of(new SessionState.Inflight(1, Optional.of(new SessionState.Message("t", 2, 2, 0, NONE, NONE))),
                    new SessionState.Inflight(2, Optional.empty())));

    private static final byte[] STATE_BYTES = {
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
    void anEmptySessionIsFourteenBytes() {
        SessionState empty = new SessionState(0, List.of(), Optional.empty(), List.of(), List.of());
        byte[] encoded = SessionStateCodec.encode(empty);
        // version, expiry 0, 0 subscriptions, no will, 0 queued, 0 in flight
        assertThat(encoded).containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(SessionStateCodec.decode(encoded)).isEqualTo(empty);
    }

    @Test
    void refusesEveryTruncationOfTheVector() {
        for (int length = 0; length < STATE_BYTES.length; length++) {
            byte[] truncated = Arrays.copyOf(STATE_BYTES, length);
            assertThatThrownBy(() -> SessionStateCodec.decode(truncated)).as("%d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void refusesForeignVersionsBadFlagsHugeCountsAndTrailingBytes() {
        byte[] version2 = STATE_BYTES.clone();
        version2[0] = 2;
        assertThatThrownBy(() -> SessionStateCodec.decode(version2)).hasMessageContaining("unknown version 2");
        byte[] qos3 = STATE_BYTES.clone();
        qos3[12] = 0x2F; // subscription QoS 3
        assertThatThrownBy(() -> SessionStateCodec.decode(qos3)).hasMessageContaining("subscription options 0x2f");
        byte[] hugeQueue = STATE_BYTES.clone();
        hugeQueue[37] = (byte) 0x7F; // 2 billion queued messages announced: refused before anything is allocated
        assertThatThrownBy(() -> SessionStateCodec.decode(hugeQueue)).hasMessageContaining("entries announced");
        byte[] trailing = Arrays.copyOf(STATE_BYTES, STATE_BYTES.length + 1);
        assertThatThrownBy(() -> SessionStateCodec.decode(trailing)).hasMessageContaining("1 bytes after");
        byte[] packetIdZero = STATE_BYTES.clone();
        packetIdZero[STATE_BYTES.length - 2] = 0; // the last in-flight entry's packet id 2 -> 0
        assertThatThrownBy(() -> SessionStateCodec.decode(packetIdZero)).hasMessageContaining("packet id 0");
    }
}
