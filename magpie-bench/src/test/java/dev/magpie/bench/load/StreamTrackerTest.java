package dev.magpie.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Loss, duplicates and reordering as the tracker defines them (see its class comment). */
class StreamTrackerTest {

    @Test
    void inOrderStreamHasNothingToReport() {
        StreamTracker t = new StreamTracker(new int[] {0});
        for (int i = 0; i < 1000; i++) {
            t.record(0, i);
        }
        assertThat(t.totals(new long[] {1000})).isEqualTo(new StreamTracker.Totals(1000, 1000, 0, 0, 0, 0, 1, 0));
    }

    @Test
    void countsLossDuplicatesAndLateArrivalsSeparately() {
        StreamTracker t = new StreamTracker(new int[] {0});
        t.record(0, 0);
        t.record(0, 2); // 1 is late
        t.record(0, 1); // late arrival: reordered, not lost
        t.record(0, 1); // seen before: duplicate
        t.record(0, 4); // 3 never comes: lost
        StreamTracker.Totals totals = t.totals(new long[] {5});
        assertThat(totals.received()).isEqualTo(5);
        assertThat(totals.unique()).isEqualTo(4);
        assertThat(totals.duplicates()).isEqualTo(1);
        assertThat(totals.reordered()).isEqualTo(1);
        assertThat(totals.lost()).isEqualTo(1);
        assertThat(totals.streamsAffected()).isEqualTo(1);
    }

    @Test
    void streamsAreIndependentAndUnexpectedOnesAreForeign() {
        StreamTracker t = new StreamTracker(new int[] {1, 3});
        t.record(1, 0);
        t.record(3, 0);
        t.record(3, 1);
        t.record(1, 1);       // stream 1 is in order on its own, whatever stream 3 did
        t.record(2, 0);       // not expected here (e.g. a message of an earlier run)
        StreamTracker.Totals totals = t.totals(new long[] {0, 2, 0, 3});
        assertThat(totals.reordered()).isZero();
        assertThat(totals.foreign()).isEqualTo(1);
        assertThat(totals.lost()).isEqualTo(1); // stream 3 sent 3, got 2
        assertThat(totals.unique()).isEqualTo(4);
        assertThat(totals.streams()).isEqualTo(2);
        assertThat(totals.streamsAffected()).isEqualTo(1); // only stream 3 lost one
    }

    @Test
    void messagesNeverSentAreNotCountedLost() {
        StreamTracker t = new StreamTracker(new int[] {0});
        t.record(0, 0);
        assertThat(t.totals(new long[] {1}).lost()).isZero();
    }
}
