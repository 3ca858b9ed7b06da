package dev.magpie.codec;

/**
 * The syntax of topic names (what a PUBLISH carries) and topic filters (what a SUBSCRIBE carries), as
 * pure static checks. They live in the codec because the decoder needs them for PUBLISH and the Will
 * topic, while {@code routing} and {@code protocol} need the same answers for filters; one place keeps
 * the three from drifting apart.
 *
 * <p>Only syntax is judged here. Whether a client may use a {@code $}-topic, or whether shared
 * subscriptions are enabled, is decided by the layers above.
 */
public final class TopicSyntax {
    /** Prefix of a shared subscription filter: {@code $share/{ShareName}/{filter}} [MQTT-4.8.2-1]. */
    public static final String SHARE_PREFIX = "$share/";

    private static final int MAX_UTF8_LENGTH = 65_535;

    private TopicSyntax() {
    }

    /** True if {@code topic} may be used as the Topic Name of a PUBLISH. */
    public static boolean isValidTopicName(String topic) {
        return topicNameProblem(topic) == null;
    }

    /**
     * Checks a Topic Name: at least one character [MQTT-4.7.3-1], no wildcard characters [MQTT-3.3.2-2],
     * no U+0000 [MQTT-4.7.3-2], well-formed and at most 65535 UTF-8 bytes [MQTT-4.7.3-3].
     *
     * @throws MalformedPacketException with {@link ReasonCode#TOPIC_NAME_INVALID}
     */
    public static void validateTopicName(String topic) {
        String problem = topicNameProblem(topic);
        if (problem != null) {
            throw new MalformedPacketException(ReasonCode.TOPIC_NAME_INVALID, problem);
        }
    }

    /** True if {@code filter} may be used as a Topic Filter of a SUBSCRIBE or UNSUBSCRIBE. */
    public static boolean isValidTopicFilter(String filter) {
        return topicFilterProblem(filter) == null;
    }

    /**
     * Checks a Topic Filter: non-empty, {@code #} only as the whole last level [MQTT-4.7.1-2], {@code +}
     * only as a whole level [MQTT-4.7.1-3]; a {@code $share/{group}/{filter}} needs a non-empty group
     * without {@code + # /} and a valid filter after it [MQTT-4.8.2-1], [MQTT-4.8.2-2].
     *
     * @throws MalformedPacketException with {@link ReasonCode#TOPIC_FILTER_INVALID}
     */
    public static void validateTopicFilter(String filter) {
        String problem = topicFilterProblem(filter);
        if (problem != null) {
            throw new MalformedPacketException(ReasonCode.TOPIC_FILTER_INVALID, problem);
        }
    }

    /** True for a {@code $share/...} filter; says nothing about its validity. */
    public static boolean isShared(String filter) {
        return filter.startsWith(SHARE_PREFIX);
    }

    private static String topicNameProblem(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "topic name is empty; a topic name needs at least one character [MQTT-4.7.3-1]";
        }
        String chars = characterProblem(topic);
        if (chars != null) {
            return "topic name " + chars;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                return "topic name '" + topic + "' contains the wildcard '" + c + "'; wildcards are only allowed in filters [MQTT-3.3.2-2]";
            }
        }
        return null;
    }

    private static String topicFilterProblem(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "topic filter is empty; a filter needs at least one character [MQTT-4.7.3-1]";
        }
        String chars = characterProblem(filter);
        if (chars != null) {
            return "topic filter " + chars;
        }
        if (isShared(filter)) {
            int slash = filter.indexOf('/', SHARE_PREFIX.length());
            if (slash < 0) {
                return "shared subscription '" + filter + "' has no topic filter after the share name [MQTT-4.8.2-1]";
            }
            if (slash == SHARE_PREFIX.length()) {
                return "shared subscription '" + filter + "' has an empty share name [MQTT-4.8.2-2]";
            }
            for (int i = SHARE_PREFIX.length(); i < slash; i++) {
                char c = filter.charAt(i);
                if (c == '+' || c == '#') {
                    return "share name in '" + filter + "' contains '" + c + "' [MQTT-4.8.2-1]";
                }
            }
            if (slash == filter.length() - 1) {
                return "shared subscription '" + filter + "' has an empty topic filter [MQTT-4.8.2-1]";
            }
            return levelProblem(filter, slash + 1);
        }
        return levelProblem(filter, 0);
    }

    /** Wildcard placement from {@code start} on; {@code start} is the beginning of a level. */
    private static String levelProblem(String filter, int start) {
        int last = filter.length() - 1;
        for (int i = start; i <= last; i++) {
            char c = filter.charAt(i);
            boolean levelStart = i == start || filter.charAt(i - 1) == '/';
            if (c == '#') {
                if (!levelStart || i != last) {
                    return "topic filter '" + filter + "' uses '#' other than as the whole last level [MQTT-4.7.1-2]";
                }
            } else if (c == '+') {
                if (!levelStart || (i != last && filter.charAt(i + 1) != '/')) {
                    return "topic filter '" + filter + "' uses '+' other than as a whole level [MQTT-4.7.1-3]";
                }
            }
        }
        return null;
    }

    /** U+0000, unpaired surrogates and the 65535-byte limit, counting UTF-8 bytes as it goes. */
    private static String characterProblem(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "contains U+0000 [MQTT-4.7.3-2]";
            }
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return "contains an unpaired surrogate, which is not UTF-8 [MQTT-1.5.4-1]";
                }
                i++;
                bytes += 4;
            } else if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate, which is not UTF-8 [MQTT-1.5.4-1]";
            } else {
                bytes += 3;
            }
        }
        if (bytes > MAX_UTF8_LENGTH) {
            return "is " + bytes + " UTF-8 bytes long; the limit is 65535 [MQTT-4.7.3-3]";
        }
        return null;
    }
}
