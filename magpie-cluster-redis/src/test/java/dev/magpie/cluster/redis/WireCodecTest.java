package dev.magpie.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

import dev.magpie.cluster.InboxMessage;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.RouteDelta;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireCodecTest {
    private final NodeIdentity node = NodeIdentity.fresh("node-a");

    @Test
    void aRouteDeltaSurvivesTheRoundTripWithAnyUtf8Filter() {
        RouteDelta delta = new RouteDelta(node, 42, false, Set.of("sensors/+/temp", "домой/#", "a\nb"), Set.of("x/#"));
        assertThat(WireCodec.decodeDelta(WireCodec.encode(delta))).isEqualTo(delta);
        RouteDelta full = new RouteDelta(node, 1, true, Set.of(), Set.of());
        assertThat(WireCodec.decodeDelta(WireCodec.encode(full))).isEqualTo(full);
    }

    @Test
    void truncatedOrForeignBytesAreRefusedNotMisread() {
        byte[] bytes = WireCodec.encode(new RouteDelta(node, 7, false, Set.of("a/b"), Set.of()));
        assertThatThrownBy(() -> WireCodec.decodeDelta(Arrays.copyOf(bytes, bytes.length - 2)))
                .isInstanceOf(IllegalArgumentException.class);
        bytes[0] = 9;
        assertThatThrownBy(() -> WireCodec.decodeDelta(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInboxEntryKeepsOriginSeqAndBinaryBody() {
        InboxMessage message = new InboxMessage(node, 9, new byte[] {0, 1, (byte) 0xff});
        assertThat(WireCodec.message(WireCodec.fields(message))).isEqualTo(message);
    }

    @Test
    void aRetainedNoticeSplitsAtTheNulsAndKeepsABinaryBody() {
        byte[] set = "S12\0home/temp\0\0x".getBytes(StandardCharsets.ISO_8859_1);
        WireCodec.RetainedNotice notice = WireCodec.retainedNotice(set);
        assertThat(notice.set()).isTrue();
        assertThat(notice.version()).isEqualTo(12);
        assertThat(notice.topic()).isEqualTo("home/temp");
        assertThat(notice.body()).containsExactly(0, 'x');
        WireCodec.RetainedNotice delete = WireCodec.retainedNotice("D13\0home/temp".getBytes(StandardCharsets.UTF_8));
        assertThat(delete.set()).isFalse();
        assertThat(delete.body()).isEmpty();
    }
}
