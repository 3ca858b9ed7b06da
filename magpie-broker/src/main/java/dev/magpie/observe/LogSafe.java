package dev.magpie.observe;

/**
 * The one rule for characters a client may not smuggle into the broker's logs, and the escaping of
 * client-supplied text (client ids, user names, topics, reason strings) for log lines.
 *
 * <p>A client id such as {@code "x\n2026-01-01 INFO admin connected"} or one carrying ANSI escape sequences would
 * otherwise forge log lines or repaint an operator's terminal (CWE-117). Client ids and user names with such
 * characters are refused at CONNECT ({@link #firstUnsafe}); topics may legally hold them (MQTT only says they
 * SHOULD NOT, section 1.5.4), so every log line that prints client text passes it through {@link #text}:
 *
 * <pre>{@code
 * LOG.info("client {}: subscribed to {}", LogSafe.text(clientId), LogSafe.text(filter));
 * }</pre>
 *
 * <p>Unsafe: the C0 controls U+0000..U+001F, DEL U+007F, the C1 controls U+0080..U+009F (CSI U+009B starts
 * escape sequences too), the Unicode line and paragraph separators U+2028/U+2029 and the bidirectional
 * formatting characters (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) that reorder what a reader sees.
 */
public final class LogSafe {
    private LogSafe() {
    }

    /** Whether {@code c} may not appear unescaped in a log line (see the class comment for the set). */
    public static boolean isUnsafe(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029' || c == '\u200E' || c == '\u200F'
                || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }

    /** The index of the first unsafe character of {@code s}, or -1 if there is none (or {@code s} is null). */
    public static int firstUnsafe(String s) {
        if (s == null) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (isUnsafe(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code s} for a log line: unsafe characters written as {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX},
     * and a backslash doubled so an escape cannot be faked either; {@code null} stays "null". Text without
     * anything to escape is returned as it is (no copy).
     */
    public static String text(String s) {
        if (s == null) {
            return "null";
        }
        int first = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || isUnsafe(c)) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isUnsafe(c)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** The character at {@code index} of {@code s} as {@code U+XXXX}, for messages that name an unsafe one. */
    public static String codePoint(String s, int index) {
        return String.format("U+%04X", (int) s.charAt(index));
    }
}
