package dev.magpie.cluster.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The takeover notice's bytes, field by field, and what is refused. */
class TakeoverNoticeTest {

    private static final byte[] THERMOSTAT_AT_EPOCH_258 = {
            0x7F,                                   // control message (ClusterLink.CONTROL)
            'T',                                    // kind: takeover
            0x01,                                   // flags: the new owner resumed the session
            0, 0, 0, 0, 0, 0, 0x01, 0x02,           // epoch 258, big endian
            0, 4,                                   // client id: 4 bytes
            't', 'h', 'e', 'r',                     // "ther"
    };

    @Test
    void encodesEveryFieldInOrder() {
        assertThat(new TakeoverNotice("ther", 258, true).encode()).containsExactly(THERMOSTAT_AT_EPOCH_258);
    }

    @Test
    void decodesWhatItEncodesIncludingUtf8Ids() {
        assertThat(TakeoverNotice.decode(THERMOSTAT_AT_EPOCH_258)).isEqualTo(new TakeoverNotice("ther", 258, true));
        TakeoverNotice unicode = new TakeoverNotice("капля-7", Long.MAX_VALUE, false);
        assertThat(TakeoverNotice.decode(unicode.encode())).isEqualTo(unicode);
    }

    @Test
    void refusesTruncatedForeignAndInconsistentBytes() {
        byte[] truncated = java.util.Arrays.copyOf(THERMOSTAT_AT_EPOCH_258, 14);
        assertThatThrownBy(() -> TakeoverNotice.decode(truncated)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names a client id of 4");
        byte[] forwardedPublish = THERMOSTAT_AT_EPOCH_258.clone();
        forwardedPublish[0] = 1; // ForwardedPublish's version byte
        assertThatThrownBy(() -> TakeoverNotice.decode(forwardedPublish)).hasMessageContaining("not a takeover notice");
        byte[] zeroEpoch = THERMOSTAT_AT_EPOCH_258.clone();
        zeroEpoch[9] = 0;
        zeroEpoch[10] = 0;
        assertThatThrownBy(() -> TakeoverNotice.decode(zeroEpoch)).hasMessageContaining("epoch 0");
        assertThatThrownBy(() -> TakeoverNotice.decode(new byte[] {0x7F})).hasMessageContaining("not a takeover notice");
        byte[] unknownFlag = THERMOSTAT_AT_EPOCH_258.clone();
        unknownFlag[2] = 0x02;
        assertThatThrownBy(() -> TakeoverNotice.decode(unknownFlag)).hasMessageContaining("flags 0x2");
    }
}
