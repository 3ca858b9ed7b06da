package dev.magpie.protocol;

import dev.magpie.BrokerLimits;
import dev.magpie.routing.Distributor;

/**
 * The operator's bounds on topic names and filters, beyond MQTT's own 65535 bytes: a length in UTF-8 bytes and
 * a number of levels. Deep or long topics cost memory in the subscription tree and the retained index and time
 * in every match, so a broker open to untrusted clients caps them (EMQX: 128 levels by default). For a shared
 * subscription ({@code $share/group/filter}) the levels of the filter itself are counted, not the prefix.
 */
final class TopicLimits {
    private final int maxLength;
    private final int maxLevels;

    TopicLimits(BrokerLimits limits) {
        this.maxLength = limits.maxTopicLength();
        this.maxLevels = limits.maxTopicLevels();
    }

    /** Why {@code topic} (a name or a filter) is over a limit, or null if it is within them. */
    String violation(String topic) {
        if (maxLength < 65_535) {
            int bytes = utf8Length(topic);
            if (bytes > maxLength) {
                return "topic of " + bytes + " bytes is longer than max_topic_length " + maxLength;
            }
        }
        if (maxLevels > 0) {
            int levels = levels(Distributor.isShared(topic) ? sharedFilter(topic) : topic);
            if (levels > maxLevels) {
                return "topic of " + levels + " levels has more than max_topic_levels " + maxLevels;
            }
        }
        return null;
    }

    private static String sharedFilter(String shared) {
        // $share/{group}/{filter}: the syntax check has already made sure both slashes exist
        int second = shared.indexOf('/', "$share/".length());
        return second < 0 ? shared : shared.substring(second + 1);
    }

    private static int levels(String topic) {
        int levels = 1;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                levels++;
            }
        }
        return levels;
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
