package dev.magpie.routing;

/**
 * The matching rules written as plainly as possible, to check the trees against: split both strings by
 * '/', keeping empty levels, and compare level by level.
 */
final class ReferenceMatcher {

    private ReferenceMatcher() {
    }

    static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        // [MQTT-4.7.2-1] filters starting with a wildcard do not match topics starting with '$'
        if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true; // [MQTT-4.7.1-2] the rest, zero levels included
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
