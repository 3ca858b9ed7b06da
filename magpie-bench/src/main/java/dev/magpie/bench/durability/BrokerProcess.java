package dev.magpie.bench.durability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code magpie serve} process from the fat jar, as users run it, pinned to one CPU with {@code taskset} so it
 * does not compete with the load generator for the other one. It listens on a free port ({@code --port 0}),
 * which is read from its log line; its CPU time comes from {@code /proc/<pid>/stat}, and the store's commit
 * count from the line the writer logs when the broker stops.
 */
final class BrokerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("accepting MQTT on [^ ]+:(\\d+)");
    private static final Pattern COMMITS = Pattern.compile("writer stopped after (\\d+) commits, (\\d+) writes dropped");
    private static final long START_TIMEOUT_MILLIS = 30_000;

    private final Process process;
    private final Path log;
    private final int port;

    private BrokerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the broker and waits until it accepts connections.
     *
     * @param cpu the {@code taskset -c} list, e.g. {@code 0}; empty to run unpinned
     */
    static BrokerProcess start(Path jar, Path config, Path dataDir, String cpu, List<String> jvmOptions, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (!cpu.isEmpty()) {
            command.addAll(List.of("taskset", "-c", cpu));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--config", config.toString(),
                "--data-dir", dataDir.toString(), "--port", "0"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return new BrokerProcess(process, log, Integer.parseInt(m.group(1)));
            }
            if (!process.isAlive()) {
                throw new IOException("the broker exited with status " + process.exitValue() + ", see " + log);
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IOException("the broker did not listen within " + START_TIMEOUT_MILLIS + " ms, see " + log);
    }

    int port() {
        return port;
    }

    /** User + system CPU time of the whole broker JVM (all threads), in clock ticks. */
    long cpuTicks() throws IOException {
        return cpuTicks(Path.of("/proc", Long.toString(process.pid()), "stat"));
    }

    /** utime + stime of a {@code /proc/.../stat} file (fields 14 and 15; the name in parentheses may hold spaces). */
    static long cpuTicks(Path stat) throws IOException {
        String s = Files.readString(stat, StandardCharsets.US_ASCII);
        String[] fields = s.substring(s.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * Stops the broker with SIGTERM (the graceful stop writes everything queued) and returns the commits its
     * store made over the whole run and the writes it dropped because its queue was full; -1 for both when it
     * logged none (no persistence).
     */
    Store stop() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException("the broker did not stop within 30 s after SIGTERM, see " + log);
        }
        Matcher m = COMMITS.matcher(Files.readString(log, StandardCharsets.UTF_8));
        return m.find() ? new Store(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))) : new Store(-1, -1);
    }

    /** What the store's writer did over the whole run (warm-up and drain included). */
    record Store(long commits, long droppedWrites) {
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
