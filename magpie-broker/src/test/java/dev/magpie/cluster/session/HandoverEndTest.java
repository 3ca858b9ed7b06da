package dev.magpie.cluster.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The old owner's "all handed over" for one client id, field by field. */
class HandoverEndTest {

    private static final byte[] FOR_TAP = {
            0x7F,                                   // control message (ClusterLink.CONTROL)
            'E',                                    // kind: hand-over ended
            0, 3,                                   // client id: 3 bytes
            't', 'a', 'p',                          // "tap"
    };

    @Test
    void encodesAndDecodesTheClientId() {
        assertThat(new HandoverEnd("tap").encode()).containsExactly(FOR_TAP);
        assertThat(HandoverEnd.decode(FOR_TAP).clientId()).isEqualTo("tap");
    }

    @Test
    void refusesOtherControlMessagesAndAWrongLength() {
        assertThatThrownBy(() -> HandoverEnd.decode(new HandedOverMessage("tap", new byte[] {1}).encode()))
                .hasMessageContaining("not a hand-over end");
        assertThatThrownBy(() -> HandoverEnd.decode(new byte[] {0x7F, 'E', 0, 9, 't'}))
                .hasMessageContaining("names a client id of 9");
        assertThatThrownBy(() -> HandoverEnd.decode(new byte[] {0x7F, 'E', 0, 1, 't', 'x'}))
                .hasMessageContaining("names a client id of 1");
    }
}
