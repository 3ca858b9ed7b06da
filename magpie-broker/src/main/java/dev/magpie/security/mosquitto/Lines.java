package dev.magpie.security.mosquitto;

import java.util.List;

/** Line handling shared by the two readers: split on LF (a trailing CR removed), blank and comment tests. */
final class Lines {
    private Lines() {
    }

    static List<String> of(String content) {
        List<String> lines = new java.util.ArrayList<>(List.of(content.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        lines.replaceAll(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        return lines;
    }

    /** Blank lines and lines whose first non-blank character is '#' carry nothing. */
    static boolean ignorable(String line) {
        String s = line.strip();
        return s.isEmpty() || s.charAt(0) == '#';
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
