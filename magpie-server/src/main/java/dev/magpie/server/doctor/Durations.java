package dev.magpie.server.doctor;

import java.time.Duration;

/** Durations as a person reads them in a report: "800 ms", "10 s". */
final class Durations {

    private Durations() {
    }

    static String text(Duration duration) {
        long millis = duration.toMillis();
        return millis < 1000 || millis % 1000 != 0 ? millis + " ms" : millis / 1000 + " s";
    }
}
