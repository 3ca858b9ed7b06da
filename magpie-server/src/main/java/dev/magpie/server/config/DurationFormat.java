package dev.magpie.server.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations the way people write them in config files: a whole number and one unit,
 * {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 1d}. ISO-8601 ({@code PT10S}) is deliberately not
 * accepted: one spelling keeps files and docs uniform, and a bare number is refused because its unit would be
 * a guess.
 */
public final class DurationFormat {

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
    static final String EXAMPLES = "500ms, 10s, 5m, 1h or 1d";

    private DurationFormat() {
    }

    /**
     * Parses {@code text} such as {@code 10s}.
     *
     * @throws IllegalArgumentException with a message that shows the accepted forms
     */
    public static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write a whole number and a unit ("
                    + "ms, s, m, h, d), e.g. " + EXAMPLES);
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalStateException("unit matched by the pattern: " + m.group(2));
        };
    }

    /** Writes {@code duration} in the largest unit that represents it exactly, e.g. 1 day as {@code 1d}. */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + duration);
        }
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        long[] unitMillis = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] unitNames = {"d", "h", "m", "s"};
        for (int i = 0; i < unitMillis.length; i++) {
            if (millis % unitMillis[i] == 0) {
                return millis / unitMillis[i] + unitNames[i];
            }
        }
        return millis + "ms";
    }
}
