package dev.magpie.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code mosquitto_pub} / {@code mosquitto_sub} (package {@code mosquitto-clients}) against a
 * loopback port. Every run is bounded ({@code -W} for subscribers, a wait limit here) and every process started
 * is killed by {@link #close()}, so a failing test leaves nothing behind.
 */
final class MosquittoClients implements AutoCloseable {

    /** How a finished client ended: its exit status and everything it printed. */
    record Result(int exitStatus, String output) {
    }

    private final List<Process> started = new CopyOnWriteArrayList<>();

    /** Runs {@code mosquitto_pub -h 127.0.0.1 -p PORT ARGS} to the end. */
    Result publish(int port, String... args) throws IOException, InterruptedException {
        return finish(start("mosquitto_pub", port, args));
    }

    /** Starts {@code mosquitto_sub -h 127.0.0.1 -p PORT ARGS}; read its lines from the process' input stream. */
    Process subscribe(int port, String... args) throws IOException {
        return start("mosquitto_sub", port, args);
    }

    private Process start(String program, int port, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(program, "-h", "127.0.0.1", "-p", String.valueOf(port)));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(process);
        return process;
    }

    static Result finish(Process process) throws IOException, InterruptedException {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(process.info().commandLine().orElse("mosquitto client") + " did not end within 20 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
