package dev.magpie.routing;

/**
 * Splits a topic name or topic filter into its levels.
 *
 * <p>Unlike {@link String#split(String)} this keeps every empty level, leading and trailing ones included:
 * {@code "/a"} is {@code ["", "a"]}, {@code "a//b"} is {@code ["a", "", "b"]} and {@code "a/"} is
 * {@code ["a", ""]}. Matching must not normalise topics in any way [MQTT-4.7.3-4], so an empty level is a
 * level like any other.
 */
final class TopicLevels {

    static final char SEPARATOR = '/';
    static final String SINGLE = "+";
    static final String MULTI = "#";

    private TopicLevels() {
    }

    static String[] split(String topic) {
        int count = 1;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == SEPARATOR) {
                count++;
            }
        }
        if (count == 1) {
            return new String[] {topic};
        }
        String[] levels = new String[count];
        int start = 0;
        int index = 0;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == SEPARATOR) {
                levels[index++] = topic.substring(start, i);
                start = i + 1;
            }
        }
        levels[index] = topic.substring(start);
        return levels;
    }

    /** True for a whole-level wildcard of a filter: {@code +} or {@code #}. */
    static boolean isWildcard(String level) {
        return level.equals(SINGLE) || level.equals(MULTI);
    }

    /** A name beginning with {@code $} is reserved for the server and hidden from leading wildcards [MQTT-4.7.2-1]. */
    static boolean isReserved(String topicOrLevel) {
        return !topicOrLevel.isEmpty() && topicOrLevel.charAt(0) == '$';
    }
}
