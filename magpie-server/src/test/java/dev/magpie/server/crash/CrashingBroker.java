package dev.magpie.server.crash;

import dev.magpie.server.cli.ServeProcess;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The broker under test: {@code magpie serve --data-dir D --port P}, otherwise the defaults, as a real process
 * that the harness SIGKILLs and relaunches on the same data directory. The first launch takes a free port
 * ({@code --port 0}, read from the "accepting" line); every relaunch binds that same port again (the listener
 * sets SO_REUSEADDR, so the killed process's connections do not block it), so clients keep one server URI.
 *
 * <p>Everything every process prints goes, in order, to one log file in the test's directory, with the
 * harness's own events (launch, SIGKILL) marked between them; the failure message quotes its last lines.
 */
final class CrashingBroker implements AutoCloseable {

    /** Broker log lines worth quoting in a report whatever else happened. */
    private static final Pattern NOTABLE = Pattern.compile(
            "protocol violation|refused|queue full|skipped|dropped|WARN|ERROR|Exception|cannot start");

    private final Path dataDir;
    private final Path logFile;
    private final PrintWriter log;
    private final Timeline timeline;
    private final Map<String, String> env;
    private final Path jar;
    private final List<String> allLines = new CopyOnWriteArrayList<>();
    private ServeProcess current;
    private long launchedAt;
    private int port;
    private int launches;

    CrashingBroker(Path workDir, CrashSettings settings, Timeline timeline) throws IOException {
        this.dataDir = workDir.resolve("data");
        this.logFile = workDir.resolve("broker.log");
        this.log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
        this.timeline = timeline;
        this.env = Map.of(); // the broker's defaults, as a new user runs it
        this.jar = ServeProcess.currentJar().orElse(null);
    }

    String launchMode() {
        return jar != null ? "java -jar " + jar.toAbsolutePath().normalize() : "main class from the test classpath (no current magpie.jar)";
    }

    Path logFile() {
        return logFile;
    }

    /** Starts a broker process on the data directory; does not wait for it. */
    void launch() throws IOException {
        if (current != null && current.isAlive()) {
            throw new IllegalStateException("the previous broker is still running");
        }
        launches++;
        int epoch = launches == 1 ? 0 : timeline.relaunched();
        String[] args = {"--data-dir", dataDir.toString(), "--port", String.valueOf(port)};
        mark("launch " + launches + " (broker run " + epoch + "): serve " + String.join(" ", args)
                + (env.isEmpty() ? "" : " with " + env));
        current = jar != null ? ServeProcess.startJar(jar, env, this::record, args)
                : ServeProcess.startFromClasspath(env, this::record, args);
        launchedAt = System.nanoTime();
    }

    /** Waits for the tcp listener (start-up and recovery done) and returns its port. */
    int awaitAccepting() {
        int p = current.awaitPort("tcp");
        if (port == 0) {
            port = p;
        }
        mark("accepting on " + p + " after " + sinceLaunchMillis() + " ms");
        return p;
    }

    boolean accepting() {
        return current.lines().stream().anyMatch(l -> ServeProcess.ACCEPTING.matcher(l).find());
    }

    long sinceLaunchMillis() {
        return (System.nanoTime() - launchedAt) / 1_000_000;
    }

    /** SIGTERM: the graceful stop begins (a SIGKILL may follow while it runs). */
    void terminate(String why) {
        mark("SIGTERM pid " + current.pid() + " (" + why + ")");
        current.terminate();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill(String why) {
        long pid = current.pid();
        boolean wasAccepting = accepting();
        long age = sinceLaunchMillis();
        timeline.killed();
        current.kill();
        mark("SIGKILL pid " + pid + " (" + why + ", " + age + " ms after launch, "
                + (wasAccepting ? "was accepting" : "before its listener was up") + ")");
    }

    private void record(String line) {
        allLines.add(line);
        synchronized (log) {
            log.println(line);
        }
    }

    void mark(String event) {
        record("=== harness " + LocalTime.now() + " t=" + timeline.now() + "ms: " + event + " ===");
    }

    /** The last {@code n} lines of every broker process, in order, with the harness's marks. */
    String tail(int n) {
        List<String> lines = new ArrayList<>(allLines);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** Lines that point at a problem (protocol violations, refusals, dropped messages, warnings). */
    List<String> notableLines() {
        return allLines.stream().filter(l -> !l.startsWith("=== harness") && NOTABLE.matcher(l).find()).toList();
    }

    List<String> linesContaining(String text) {
        return allLines.stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        if (current != null) {
            current.kill();
            mark("broker stopped at the end of the run");
        }
        synchronized (log) {
            log.close();
        }
    }
}
