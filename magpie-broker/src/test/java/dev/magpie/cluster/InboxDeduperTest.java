package dev.magpie.cluster;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InboxDeduperTest {
    private final NodeIdentity a = NodeIdentity.fresh("a");

    private List<InboxMessage> of(NodeIdentity origin, long... seqs) {
        List<InboxMessage> messages = new ArrayList<>();
        for (long seq : seqs) {
            messages.add(new InboxMessage(origin, seq, new byte[] {(byte) seq}));
        }
        return messages;
    }

    private List<Long> seqs(List<InboxMessage> messages) {
        return messages.stream().map(InboxMessage::seq).toList();
    }

    @Test
    void onlyHandledMessagesCountAsSeenAndOutOfOrderOnesAreRecognised() {
        InboxDeduper deduper = new InboxDeduper(100, 10);
        List<InboxMessage> first = deduper.fresh(of(a, 1, 2, 2, 5));
        assertThat(seqs(first)).as("a repeat within the batch is dropped").containsExactly(1L, 2L, 5L);
        assertThat(seqs(deduper.fresh(of(a, 1, 2, 5)))).as("not handled yet: fresh again").containsExactly(1L, 2L, 5L);
        deduper.handled(first);
        assertThat(seqs(deduper.fresh(of(a, 1, 2, 3, 4, 5, 6)))).containsExactly(3L, 4L, 6L);
        NodeIdentity restarted = new NodeIdentity("a", a.incarnation() + 1);
        assertThat(seqs(deduper.fresh(of(restarted, 1)))).as("another incarnation counts apart").containsExactly(1L);
    }

    @Test
    void memoryIsBoundedByTheWindowAndTheNumberOfOrigins() {
        InboxDeduper deduper = new InboxDeduper(3, 2);
        deduper.handled(of(a, 2, 4, 6, 8));                 // 1, 3, 5 missing; the window keeps 3 above the floor
        assertThat(seqs(deduper.fresh(of(a, 1)))).as("below the moved floor: given up as lost").isEmpty();
        assertThat(seqs(deduper.fresh(of(a, 3, 5, 7)))).containsExactly(3L, 5L, 7L);
        NodeIdentity b = NodeIdentity.fresh("b");
        NodeIdentity c = NodeIdentity.fresh("c");
        deduper.handled(of(b, 1));
        deduper.handled(of(c, 1));                          // a is the least recently heard: forgotten
        assertThat(seqs(deduper.fresh(of(a, 2)))).containsExactly(2L);
        assertThat(seqs(deduper.fresh(of(c, 1)))).isEmpty();
    }
}
