package dev.magpie.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Drops inbox messages already handed over, by (origin, incarnation, seq). Per origin incarnation it keeps a floor
 * (every seq at or below it was seen) and the seqs seen above it, so messages that arrive out of order (a resent
 * batch after a partial failure) are still recognised. Memory stays bounded: above {@code window} seqs past the floor,
 * the floor moves up and the oldest missing seqs count as lost; past {@code maxOrigins} incarnations the least
 * recently heard one is forgotten (its messages were handled long ago, or the node restarted).
 *
 * <pre>{@code
 * InboxDeduper seen = new InboxDeduper(65_536, 1_024);
 * List<InboxMessage> fresh = seen.fresh(batch);     // the batch without the duplicates, in order
 * handler.handle(fresh).thenRun(() -> seen.handled(fresh));   // only what was handled counts as seen
 * }</pre>
 *
 * Not thread-safe: one inbox reader owns it.
 */
public final class InboxDeduper {
    private final int window;
    private final Map<NodeIdentity, Seen> origins;

    public InboxDeduper(int window, int maxOrigins) {
        if (window < 1 || maxOrigins < 1) {
            throw new IllegalArgumentException("window and maxOrigins must be positive");
        }
        this.window = window;
        this.origins = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<NodeIdentity, Seen> eldest) {
                return size() > maxOrigins;
            }
        };
    }

    /**
     * The messages of {@code batch} not {@linkplain #handled handled} before and not repeated within the batch, in
     * their order. Marks nothing: a batch whose handling fails comes again and must not be taken for a duplicate.
     */
    public List<InboxMessage> fresh(List<InboxMessage> batch) {
        List<InboxMessage> fresh = new ArrayList<>(batch.size());
        Map<NodeIdentity, TreeSet<Long>> inBatch = new HashMap<>();
        for (InboxMessage message : batch) {
            Seen seen = origins.get(message.origin());
            if ((seen == null || !seen.contains(message.seq()))
                    && inBatch.computeIfAbsent(message.origin(), origin -> new TreeSet<>()).add(message.seq())) {
                fresh.add(message);
            }
        }
        return fresh;
    }

    /** Marks messages as handled: {@link #fresh} leaves them out from now on. */
    public void handled(List<InboxMessage> messages) {
        for (InboxMessage message : messages) {
            origins.computeIfAbsent(message.origin(), origin -> new Seen()).add(message.seq(), window);
        }
    }

    /** Seqs of one origin incarnation: all up to {@code floor}, and those in {@code above}. */
    private static final class Seen {
        private long floor;
        private final TreeSet<Long> above = new TreeSet<>();

        boolean contains(long seq) {
            return seq <= floor || above.contains(seq);
        }

        void add(long seq, int window) {
            if (seq <= floor || !above.add(seq)) {
                return;
            }
            while (above.remove(floor + 1)) {
                floor++;
            }
            while (above.size() > window) {
                floor = above.pollFirst();      // the seqs skipped below it are given up as lost
                while (above.remove(floor + 1)) {
                    floor++;
                }
            }
        }
    }
}
