package dev.magpie.security.acl;

/**
 * Topic matching for access rules, written over levels so the same code answers both questions an ACL
 * has: does a rule filter match a topic name (publish, receive), and does a rule filter <em>cover</em> a
 * subscription filter (subscribe) - that is, does it match every topic name the subscription could match.
 *
 * <p>Levels are split on {@code /} keeping empty ones ({@code "/a"} is {@code ["", "a"]}), nothing is
 * normalised [MQTT-4.7.3-4], {@code #} also matches its parent level ({@code a/#} matches {@code a})
 * [MQTT-4.7.1-2], and a filter whose first level is a wildcard does not match a topic whose first level
 * starts with {@code $} [MQTT-4.7.2-1], so a rule for {@code #} never grants {@code $SYS}.
 *
 * <p>Covering needs no search: at each level the answer is forced. The one subtlety is that {@code #}
 * also matches its parent level: {@code a/#} is not covered by {@code a/+/#}, but {@code #} is covered by
 * {@code +/#} (the parent would be the empty topic name, which cannot be published).
 */
public final class TopicFilters {
    static final String SINGLE = "+";
    static final String MULTI = "#";

    private TopicFilters() {
    }

    /** True if {@code filter} matches the topic name {@code topic}. */
    public static boolean matches(String filter, String topic) {
        return matches(split(filter), split(topic));
    }

    /** True if every topic name that {@code subscription} matches is also matched by {@code rule}. */
    public static boolean covers(String rule, String subscription) {
        return covers(split(rule), split(subscription));
    }

    /** Null if {@code filter} is a well-formed topic filter, else what is wrong with it. */
    public static String problem(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "the topic filter is empty";
        }
        if (filter.indexOf('\u0000') >= 0) {
            return "the topic filter '" + filter + "' contains U+0000";
        }
        String[] levels = split(filter);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals(MULTI)) {
                if (i != levels.length - 1) {
                    return "'#' must be the last level of '" + filter + "'";
                }
            } else if (!level.equals(SINGLE) && (level.indexOf('#') >= 0 || level.indexOf('+') >= 0)) {
                return "a wildcard must fill a whole level in '" + filter + "' (write 'a/+/b' or 'a/#', not 'a+' or 'a#')";
            }
        }
        return null;
    }

    static boolean matches(String[] filter, String[] topic) {
        if (isWildcard(filter[0]) && isReserved(topic[0])) {
            return false; // [MQTT-4.7.2-1]
        }
        for (int i = 0; i < filter.length; i++) {
            if (filter[i].equals(MULTI)) {
                return true;
            }
            if (i == topic.length) {
                return false;
            }
            if (!filter[i].equals(SINGLE) && !filter[i].equals(topic[i])) {
                return false;
            }
        }
        return filter.length == topic.length;
    }

    static boolean covers(String[] rule, String[] sub) {
        for (int i = 0; ; i++) {
            if (i < rule.length && rule[i].equals(MULTI)) {
                // '#' takes everything from here on, except '$' topics when it is the first level
                return !(i == 0 && isReserved(sub[0]));
            }
            if (i == rule.length) {
                return i == sub.length;
            }
            if (i == sub.length) {
                return false; // the subscription matches a topic ending here; the rule needs more levels
            }
            String r = rule[i];
            String s = sub[i];
            if (s.equals(MULTI)) {
                // '#' also matches its parent level, which a rule '+/#' cannot - unless that parent would be
                // the empty topic name, which no PUBLISH can carry [MQTT-4.7.3-1]: then '+/#' matches exactly
                // what '#' does ('#' vs '+/#', '/#' vs '/+/#')
                boolean noParent = i == 0 || (i == 1 && sub[0].isEmpty());
                return noParent && r.equals(SINGLE) && rule.length == i + 2 && rule[i + 1].equals(MULTI);
            }
            if (s.equals(SINGLE)) {
                if (!r.equals(SINGLE)) {
                    return false;
                }
            } else if (r.equals(SINGLE)) {
                if (i == 0 && isReserved(s)) {
                    return false; // [MQTT-4.7.2-1]
                }
            } else if (!r.equals(s)) {
                return false;
            }
        }
    }

    /** Splits on '/', keeping every empty level: {@code "a//b"} is {@code ["a", "", "b"]}. */
    static String[] split(String topic) {
        int count = 1;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                count++;
            }
        }
        String[] levels = new String[count];
        int start = 0;
        int index = 0;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                levels[index++] = topic.substring(start, i);
                start = i + 1;
            }
        }
        levels[index] = topic.substring(start);
        return levels;
    }

    static boolean isWildcard(String level) {
        return level.equals(SINGLE) || level.equals(MULTI);
    }

    static boolean isReserved(String level) {
        return !level.isEmpty() && level.charAt(0) == '$';
    }
}
