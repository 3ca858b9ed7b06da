package dev.magpie.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU time and resident memory of a process, read from Linux's /proc: utime + stime of {@code /proc/<pid>/stat}
 * (in clock ticks, 100 per second on every mainstream Linux build) and VmRSS of {@code /proc/<pid>/status}. The
 * generator reads the broker's (given by {@code --broker-pid}) and its own, to show which side was busy.
 */
final class BrokerProbe {
    /** USER_HZ: the kernel reports utime/stime in these units to user space regardless of its internal HZ. */
    static final long TICKS_PER_SECOND = 100;

    /** One reading; {@code cpuNanos} is user plus system CPU time since the process started. */
    record Sample(long wallNanos, long cpuNanos, long rssBytes) {
        /** CPU used between {@code earlier} and this sample, as a fraction of one core. */
        double coresSince(Sample earlier) {
            long wall = wallNanos - earlier.wallNanos;
            return wall <= 0 ? 0 : (double) (cpuNanos - earlier.cpuNanos) / wall;
        }
    }

    private final long pid;

    BrokerProbe(long pid) {
        this.pid = pid;
    }

    static BrokerProbe self() {
        return new BrokerProbe(ProcessHandle.current().pid());
    }

    long pid() {
        return pid;
    }

    /** A reading, or empty when the process is gone or /proc is not there (not Linux). */
    Optional<Sample> sample() {
        try {
            long now = System.nanoTime();
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            long rssKb = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return Optional.of(new Sample(now, ticks * (1_000_000_000L / TICKS_PER_SECOND), rssKb * 1024));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
