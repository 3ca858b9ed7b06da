package dev.magpie.cluster.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The handed-over message's envelope, field by field (the message inside is ForwardedPublish's, tested there). */
class HandedOverMessageTest {

    private static final byte[] FOR_PAGER = {
            0x7F,                                   // control message (ClusterLink.CONTROL)
            'Q',                                    // kind: handed-over message
            0, 5,                                   // client id: 5 bytes
            'p', 'a', 'g', 'e', 'r',                // "pager"
            1, 2, 3,                                // the ForwardedPublish bytes, opaque here
    };

    @Test
    void encodesTheEnvelopeAndKeepsTheMessageBytes() {
        assertThat(new HandedOverMessage("pager", new byte[] {1, 2, 3}).encode()).containsExactly(FOR_PAGER);
        HandedOverMessage decoded = HandedOverMessage.decode(FOR_PAGER);
        assertThat(decoded.clientId()).isEqualTo("pager");
        assertThat(decoded.message()).containsExactly(1, 2, 3);
    }

    @Test
    void refusesATakeoverNoticeAndATruncatedId() {
        assertThatThrownBy(() -> HandedOverMessage.decode(new TakeoverNotice("pager", 3, false).encode()))
                .hasMessageContaining("not a handed-over message");
        assertThatThrownBy(() -> HandedOverMessage.decode(new byte[] {0x7F, 'Q', 0, 9, 'p'}))
                .hasMessageContaining("names a client id of 9");
    }
}
