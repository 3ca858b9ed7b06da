package dev.magpie.cluster.session;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.magpie.store.StoredDelivery;
import dev.magpie.store.StoredMessage;
import dev.magpie.store.StoredSession;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The stored session's bytes, field by field, and the bytes that are refused. */
class SessionStateCodecTest {
    private static final byte[] NONE = new byte[0];

    private static final SessionState.Client BOB = new SessionState.Client(Optional.of("bob"), 4, "tcp");

    private static final StoredDelivery INFLIGHT = new StoredDelivery(1, StoredDelivery.AWAIT_PUBREC,
            new StoredMessage("t", 2, NONE, NONE, 2, 1000), true, List.of(), null, 0);
    private static final StoredDelivery QUEUED = new StoredDelivery(5, StoredDelivery.QUEUED,
            new StoredMessage("t", 1, bytes("hi"), NONE, 1, -1), false, List.of(7), "$share/g/t", 0);

    private static final SessionState STATE = new SessionState(BOB, 300,
            List.of(new SessionState.Subscription("a/+", 1, true, true, 2, 7)),
            Optional.of(new SessionState.Will("w", 1, true, 5, NONE, bytes("x"))),
            List.of(INFLIGHT, QUEUED), List.of(new StoredSession.InboundQos2(9, 0x0102030405060708L)),
            List.of(new SessionState.InboxMark("n1", 5, 42)));

    /** Up to the will, as version 3 writes it. */
    private static final byte[] HEAD = {
            0x03,                                   // version 3
            0x04,                                   // protocol level 4 (MQTT 3.1.1)
            0x00, 0x03, 't', 'c', 'p',              // listener "tcp"
            0x01, 0x00, 0x03, 'b', 'o', 'b',        // user name "bob"
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
    };

    private static final byte[] STATE_BYTES = concat(HEAD, new byte[] {
            0x00, 0x00, 0x00, 0x02,                 // 2 deliveries
            0, 0, 0, 0, 0, 0, 0, 1,                 //   key: packet id 1
            0x02, 0x01,                             //   awaiting PUBREC, RETAIN
            0x00, 0x01, 't', 0x02,                  //   topic "t", QoS 2
            0, 0, 0, 0, 0, 0, 0, 2,                 //   stored at 2 ms
            0, 0, 0, 0, 0, 0, 0x03, (byte) 0xE8,    //   expires at 1000 ms
            0x00, 0x00, 0x00, 0x00,                 //   no properties
            0x00, 0x00, 0x00, 0x00,                 //   empty payload
            0x00, 0x00,                             //   no subscription identifiers
            0, 0, 0, 0, 0, 0, 0, 5,                 //   key: queue place 5
            0x00, 0x02,                             //   queued, a shared group follows
            0x00, 0x01, 't', 0x01,                  //   topic "t", QoS 1
            0, 0, 0, 0, 0, 0, 0, 1,                 //   stored at 1 ms
            -1, -1, -1, -1, -1, -1, -1, -1,         //   never expires
            0x00, 0x00, 0x00, 0x00,                 //   no properties
            0x00, 0x00, 0x00, 0x02, 'h', 'i',       //   payload "hi"
            0x00, 0x01, 0x00, 0x00, 0x00, 0x07,     //   subscription identifier 7
            0x00, 0x0A, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 't',
            0x00, 0x01,                             // 1 inbound QoS 2 id
            0x00, 0x09, 1, 2, 3, 4, 5, 6, 7, 8,     //   packet id 9, its fingerprint
            0x00, 0x01,                             // 1 inbox mark
            0x00, 0x02, 'n', '1',                   //   node "n1"
            0, 0, 0, 0, 0, 0, 0, 5,                 //   incarnation 5
            0, 0, 0, 0, 0, 0, 0, 42,                //   seq 42
    });

    /** Where the inbox marks start in {@link #STATE_BYTES}. */
    private static final int MARKS = STATE_BYTES.length - 22;

    /** Version 2: the same head, then the two message lists no broker filled before version 3. */
    private static final byte[] V2_BYTES = concat(concat(new byte[] {0x02}, Arrays.copyOfRange(HEAD, 1, HEAD.length)),
            new byte[] {0, 0, 0, 0, 0, 0});

    /** Version 1: without the client fields. */
    private static final byte[] V1_BYTES = concat(concat(new byte[] {0x01}, Arrays.copyOfRange(HEAD, 13, HEAD.length)),
            new byte[] {0, 0, 0, 0, 0, 0});

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
        assertThat(decoded.deliveries()).extracting(StoredDelivery::key, StoredDelivery::state, StoredDelivery::retain,
                        StoredDelivery::subscriptionIds, StoredDelivery::sharedGroup)
                .containsExactly(tuple(1L, StoredDelivery.AWAIT_PUBREC, true, List.of(), null),
                        tuple(5L, StoredDelivery.QUEUED, false, List.of(7), "$share/g/t"));
        assertThat(decoded.deliveries().get(1).message().payload()).containsExactly('h', 'i');
        assertThat(decoded.deliveries().get(0).message().expiresAtMillis()).isEqualTo(1000);
        assertThat(decoded.deliveries().get(1).message().expiresAtMillis()).isEqualTo(-1);
        assertThat(decoded.inboundQos2()).containsExactly(new StoredSession.InboundQos2(9, 0x0102030405060708L));
        assertThat(decoded.inboxMarks()).containsExactly(new SessionState.InboxMark("n1", 5, 42));
        assertThat(SessionStateCodec.encode(decoded)).containsExactly(STATE_BYTES);
    }

    @Test
    void versionsOneAndTwoStillDecodeWithoutMessages() {
        SessionState v1 = SessionStateCodec.decode(V1_BYTES);
        assertThat(v1.client()).isEqualTo(SessionState.Client.UNKNOWN);
        assertThat(v1.subscriptions()).containsExactly(new SessionState.Subscription("a/+", 1, true, true, 2, 7));
        assertThat(v1.deliveries()).isEmpty();
        SessionState v2 = SessionStateCodec.decode(V2_BYTES);
        assertThat(v2.client()).isEqualTo(BOB);
        assertThat(v2.will()).isPresent();
        byte[] v2WithMessages = V2_BYTES.clone();
        v2WithMessages[V2_BYTES.length - 3] = 1; // one queued message announced: no broker wrote that
        assertThatThrownBy(() -> SessionStateCodec.decode(v2WithMessages)).hasMessageContaining("version 2 session state with messages");
    }

    @Test
    void anEmptySessionOfAnAnonymousClientIsTwentyTwoBytes() {
        SessionState empty = new SessionState(new SessionState.Client(Optional.empty(), 5, "ws"), 0, List.of(),
                Optional.empty(), List.of(), List.of());
        byte[] encoded = SessionStateCodec.encode(empty);
        // version, level 5, listener "ws", no user name, expiry 0, 0 subscriptions, no will, 0 deliveries, 0 inbound ids,
        // 0 inbox marks
        assertThat(encoded).containsExactly(3, 5, 0, 2, 'w', 's', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(SessionStateCodec.decode(encoded)).isEqualTo(empty);
    }

    @Test
    void refusesEveryTruncationOfTheVector() {
        for (byte[] vector : List.of(STATE_BYTES, V2_BYTES, V1_BYTES)) {
            for (int length = 0; length < vector.length; length++) {
                byte[] truncated = Arrays.copyOf(vector, length);
                assertThatThrownBy(() -> SessionStateCodec.decode(truncated)).as("%d bytes", length)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void refusesForeignVersionsBadFlagsHugeCountsAndTrailingBytes() {
        byte[] version4 = STATE_BYTES.clone();
        version4[0] = 4;
        assertThatThrownBy(() -> SessionStateCodec.decode(version4)).hasMessageContaining("unknown version 4");
        byte[] level9 = STATE_BYTES.clone();
        level9[1] = 9;
        assertThatThrownBy(() -> SessionStateCodec.decode(level9)).hasMessageContaining("protocol level 9");
        byte[] qos3 = STATE_BYTES.clone();
        qos3[24] = 0x2F; // subscription QoS 3
        assertThatThrownBy(() -> SessionStateCodec.decode(qos3)).hasMessageContaining("subscription options 0x2f");
        byte[] hugeQueue = STATE_BYTES.clone();
        hugeQueue[HEAD.length] = (byte) 0x7F; // 2 billion deliveries announced: refused before anything is allocated
        assertThatThrownBy(() -> SessionStateCodec.decode(hugeQueue)).hasMessageContaining("entries announced");
        byte[] trailing = Arrays.copyOf(STATE_BYTES, STATE_BYTES.length + 1);
        assertThatThrownBy(() -> SessionStateCodec.decode(trailing)).hasMessageContaining("1 bytes after");
        byte[] inflightKeyZero = STATE_BYTES.clone();
        inflightKeyZero[HEAD.length + 4 + 7] = 0; // the in-flight entry's packet id 1 -> 0
        assertThatThrownBy(() -> SessionStateCodec.decode(inflightKeyZero)).hasMessageContaining("delivery with key 0");
        byte[] inboundZero = STATE_BYTES.clone();
        inboundZero[MARKS - 9] = 0; // the inbound id 9 -> 0
        assertThatThrownBy(() -> SessionStateCodec.decode(inboundZero)).hasMessageContaining("packet id 0");
        byte[] markSeqZero = STATE_BYTES.clone();
        markSeqZero[STATE_BYTES.length - 1] = 0; // seq 42 -> 0: no message has it
        assertThatThrownBy(() -> SessionStateCodec.decode(markSeqZero)).hasMessageContaining("inbox mark of n1");
        byte[] hugeMarks = STATE_BYTES.clone();
        hugeMarks[MARKS] = (byte) 0xFF; // 65,281 marks announced in 22 bytes
        assertThatThrownBy(() -> SessionStateCodec.decode(hugeMarks)).hasMessageContaining("entries announced");
    }
}
