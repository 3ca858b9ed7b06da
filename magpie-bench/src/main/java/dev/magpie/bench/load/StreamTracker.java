package dev.magpie.bench.load;

import java.util.BitSet;

/**
 * Loss, duplicates and reordering of the streams one receiver (a subscriber, or a shared-subscription group) expects.
 * A stream is one publisher's sequence 0, 1, 2, ...; for each stream the tracker keeps the set of sequence numbers
 * seen (one bit per message: total memory is deliveries / 8 bytes) and the highest one.
 *
 * <ul>
 *   <li>duplicate: a sequence number seen before;</li>
 *   <li>reordered: a first arrival below the highest already seen (it came late);</li>
 *   <li>lost: sent by the publisher but never seen ({@link #totals(long[])}, after the run drained).</li>
 * </ul>
 *
 * Thread-safe (synchronized): the members of a shared group record from different event loops; a subscriber of its
 * own only ever takes an uncontended lock.
 *
 * <pre>{@code
 * StreamTracker t = new StreamTracker(new int[] {0});
 * t.record(0, 0); t.record(0, 2); t.record(0, 1); t.record(0, 1);
 * t.totals(new long[] {4}); // received 4, unique 3, duplicates 1, reordered 1, lost 1
 * }</pre>
 */
final class StreamTracker {

    /**
     * Counts over all expected streams. {@code foreign}: messages of a stream this receiver does not expect;
     * {@code streams}: streams tracked; {@code streamsAffected}: those with any loss, duplicate or reordering.
     */
    record Totals(long received, long unique, long duplicates, long reordered, long lost, long foreign, long streams,
                  long streamsAffected) {
        Totals plus(Totals o) {
            return new Totals(received + o.received, unique + o.unique, duplicates + o.duplicates,
                    reordered + o.reordered, lost + o.lost, foreign + o.foreign, streams + o.streams,
                    streamsAffected + o.streamsAffected);
        }

        static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0, 0);
    }

    private final int[] expectedStreams;
    private final BitSet[] seen;
    private final int[] highest;
    private final long[] unique;
    private final long[] duplicates;
    private final long[] reordered;
    private long received;
    private long foreign;

    /** @param expectedStreams the stream ids this receiver should get every message of (ids are small, dense ints) */
    StreamTracker(int[] expectedStreams) {
        this.expectedStreams = expectedStreams.clone();
        int size = 0;
        for (int s : expectedStreams) {
            size = Math.max(size, s + 1);
        }
        seen = new BitSet[size];
        highest = new int[size];
        unique = new long[size];
        duplicates = new long[size];
        reordered = new long[size];
        for (int s : expectedStreams) {
            seen[s] = new BitSet();
            highest[s] = -1;
        }
    }

    int[] expectedStreams() {
        return expectedStreams.clone();
    }

    /** Records one arrival of {@code sequence} on {@code stream}. */
    synchronized void record(int stream, int sequence) {
        received++;
        if (stream < 0 || stream >= seen.length || seen[stream] == null || sequence < 0) {
            foreign++;
            return;
        }
        BitSet bits = seen[stream];
        if (bits.get(sequence)) {
            duplicates[stream]++;
            return;
        }
        bits.set(sequence);
        unique[stream]++;
        if (sequence < highest[stream]) {
            reordered[stream]++;
        } else {
            highest[stream] = sequence;
        }
    }

    /** Messages received so far, duplicates included. */
    synchronized long received() {
        return received;
    }

    /** Totals, given how many messages each stream's publisher sent ({@code sent[stream]}). */
    synchronized Totals totals(long[] sent) {
        long uniqueAll = 0;
        long lostAll = 0;
        long duplicatesAll = 0;
        long reorderedAll = 0;
        long affected = 0;
        for (int s : expectedStreams) {
            long lost = Math.max(0, (s < sent.length ? sent[s] : 0) - unique[s]);
            uniqueAll += unique[s];
            lostAll += lost;
            duplicatesAll += duplicates[s];
            reorderedAll += reordered[s];
            affected += lost + duplicates[s] + reordered[s] > 0 ? 1 : 0;
        }
        return new Totals(received, uniqueAll, duplicatesAll, reorderedAll, lostAll, foreign, expectedStreams.length,
                affected);
    }
}
