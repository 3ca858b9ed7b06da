package dev.magpie.bench.load;

/**
 * The load shapes the generator offers. The rate scenarios ({@link #isRated()}) publish at a fixed offered rate and
 * track every message; {@link #IDLE} and {@link #STORM} measure connections instead.
 */
enum Scenario {
    /** N publishers, N subscribers; publisher i's topic has only subscriber i. */
    PAIRS,
    /** P publishers on one topic, S subscribers each getting every message (1 to N when P is 1). */
    FANOUT,
    /** P publishers on their own topics, one subscriber on all of them through a wildcard (N to 1). */
    FANIN,
    /** P publishers, S subscribers in one shared subscription ($share/bench/...): each message reaches one of them. */
    SHARED,
    /** Pairs at QoS 1 (at least) to persistent sessions (Clean Session 0 / a Session Expiry Interval). */
    PERSISTENT,
    /** N connections that connect and then stay idle: broker memory per connection. */
    IDLE,
    /** N connections opened (CONNECT, SUBSCRIBE, DISCONNECT) as fast as the broker takes them: connects per second. */
    STORM;

    boolean isRated() {
        return this != IDLE && this != STORM;
    }

    /** Subscribers actually used for {@code publishers} and the requested {@code subscribers}. */
    int subscribers(int publishers, int subscribers) {
        return switch (this) {
            case PAIRS, PERSISTENT -> publishers;
            case FANIN -> 1;
            default -> subscribers;
        };
    }

    /** Topic publisher {@code i} publishes to, under {@code prefix}. */
    String publisherTopic(String prefix, int i) {
        return switch (this) {
            case FANOUT -> prefix + "/fan";
            default -> prefix + "/" + i;
        };
    }

    /** Filter subscriber {@code j} subscribes to. */
    String subscriberFilter(String prefix, int j) {
        return switch (this) {
            case FANOUT -> prefix + "/fan";
            case FANIN -> prefix + "/+";
            case SHARED -> "$share/bench/" + prefix + "/+";
            default -> prefix + "/" + j;
        };
    }

    /**
     * Receivers whose loss is tracked together: the subscriber indexes of each group. Everyone alone, except
     * {@link #SHARED}, where the whole group together must get every message once.
     */
    int[][] trackerGroups(int subscribers) {
        if (this == SHARED) {
            int[] all = new int[subscribers];
            for (int j = 0; j < subscribers; j++) {
                all[j] = j;
            }
            return new int[][] {all};
        }
        int[][] groups = new int[subscribers][];
        for (int j = 0; j < subscribers; j++) {
            groups[j] = new int[] {j};
        }
        return groups;
    }

    /** Streams (publisher indexes) tracker group {@code group} must receive in full. */
    int[] expectedStreams(int group, int publishers) {
        if (this == PAIRS || this == PERSISTENT) {
            return new int[] {group};
        }
        int[] all = new int[publishers];
        for (int i = 0; i < publishers; i++) {
            all[i] = i;
        }
        return all;
    }

    /** Whether clients keep their sessions (Clean Session 0 / Clean Start 0 with an expiry). */
    boolean persistentSessions() {
        return this == PERSISTENT;
    }
}
