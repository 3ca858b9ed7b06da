package dev.magpie.cluster.link;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import dev.magpie.cluster.MessageStamp;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.Publish;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A PUBLISH as it travels between nodes, field by field, with and without its stamp trailer. */
class ForwardedPublishTest {

    private static final Publish HELLO = new Publish("a/b", 1, false, false, 0, "hi".getBytes(StandardCharsets.UTF_8),
            MqttProperties.EMPTY);

    /** "hi" on a/b at QoS 1 from client "c", published at 0x0102 ms, no expiry, for plain subscriptions. */
    private static final byte[] PLAIN = {
            2,                                      // format version
            1,                                      // QoS
            0,                                      // RETAIN
            0, 0, 0, 0, 0, 0, 1, 2,                 // published at, ms since the epoch
            -1, -1, -1, -1, -1, -1, -1, -1,         // expires at: -1, never
            0, 0, 0, 1, 'c',                        // the publisher's client id
            0, 0, 0, 3, 'a', '/', 'b',              // topic
            0, 0, 0, 1, 0,                          // MQTT 5 properties: an empty section (property length 0)
            0, 0, 0, 2, 'h', 'i',                   // payload
            1,                                      // plain subscriptions get it
            0,                                      // hops
            0, 0, 0, 0,                             // shared groups: none
    };

    /** The stamp trailer: the 7th message node "n1" (incarnation 5) routed. */
    private static final byte[] STAMP = {
            'S',                                    // trailer kind: stamp
            0, 0, 0, 2, 'n', '1',                   // the origin's node id
            0, 0, 0, 0, 0, 0, 0, 5,                 // its incarnation
            0, 0, 0, 0, 0, 0, 0, 7,                 // the message's number there
    };

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void encodesEveryFieldWithoutAStamp() {
        assertThat(ForwardedPublish.encode(HELLO, "c", 0x0102)).containsExactly(PLAIN);
        ForwardedPublish decoded = ForwardedPublish.decode(PLAIN);
        assertThat(decoded.publish().topic()).isEqualTo("a/b");
        assertThat(decoded.publish().qos()).isEqualTo(1);
        assertThat(decoded.publish().payload()).containsExactly('h', 'i');
        assertThat(decoded.originClientId()).isEqualTo("c");
        assertThat(decoded.stored().storedAtMillis()).isEqualTo(0x0102);
        assertThat(decoded.plain()).isTrue();
        assertThat(decoded.sharedGroups()).isEmpty();
        assertThat(decoded.stamp()).as("bytes of a build from before stamps").isNull();
    }

    @Test
    void theStampFollowsAsATrailer() {
        MessageStamp stamp = new MessageStamp(new NodeIdentity("n1", 5), 7);
        byte[] stamped = ForwardedPublish.encode(HELLO, "c", 0x0102, stamp);
        assertThat(stamped).containsExactly(concat(PLAIN, STAMP));
        assertThat(ForwardedPublish.decode(stamped).stamp()).isEqualTo(stamp);
        assertThat(ForwardedPublish.decode(ForwardedPublish.encode(HELLO, "c", 1, false, List.of("$share/g/a/#"), 2, stamp)))
                .satisfies(f -> {
                    assertThat(f.stamp()).isEqualTo(stamp);
                    assertThat(f.sharedGroups()).containsExactly("$share/g/a/#");
                    assertThat(f.hops()).isEqualTo(2);
                });
    }

    @Test
    void aTrailerOfAnotherKindIsALaterBuildsAndIgnored() {
        ForwardedPublish decoded = ForwardedPublish.decode(concat(PLAIN, new byte[] {'X', 1, 2, 3}));
        assertThat(decoded.stamp()).isNull();
        assertThat(decoded.publish().topic()).isEqualTo("a/b");
    }

    @Test
    void refusesATruncatedOrDamagedStamp() {
        assertThatThrownBy(() -> ForwardedPublish.decode(concat(PLAIN, Arrays.copyOf(STAMP, STAMP.length - 1))))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] zeroSeq = STAMP.clone();
        zeroSeq[zeroSeq.length - 1] = 0;
        assertThatThrownBy(() -> ForwardedPublish.decode(concat(PLAIN, zeroSeq)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counts from 1");
        byte[] longId = STAMP.clone();
        longId[4] = 100; // a node id longer than what is left
        assertThatThrownBy(() -> ForwardedPublish.decode(concat(PLAIN, longId)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than the message");
    }
}
