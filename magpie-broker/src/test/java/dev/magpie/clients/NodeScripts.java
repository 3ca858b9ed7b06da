package dev.magpie.clients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the node:test scripts of {@code clients/js} against brokers a JUnit test started. A script learns where
 * the brokers are from {@code MAGPIE_*} variables and must exit 0; its whole output is the failure message.
 *
 * <p>Node and {@code npm ci} are optional on a developer machine (the test is skipped without them) but required
 * under CI: {@code .ci/run} sets {@code CI}, and then a missing tool fails the test instead. Public for the
 * suites of other modules (magpie-server's dashboard test), which run the same way.
 */
public final class NodeScripts {
    /**
     * The MQTT.js project: package.json, node_modules, test/. Found from the module's directory upwards, so modules at
     * any depth (examples/embedded) run the same scripts.
     */
    public static final Path CLIENTS = clientsDirectory();
    private static final long SCRIPT_TIMEOUT_SECONDS = 60;

    private NodeScripts() {
    }

    public static boolean underCi() {
        return System.getenv("CI") != null;
    }

    /** Skips the calling test without node or {@code node_modules} locally; fails it under CI. */
    public static void requireNode() {
        boolean ready = runs("node", "--version") && Files.isDirectory(CLIENTS.resolve("node_modules/mqtt"));
        assumeTrue(ready || underCi(), "node or clients/js/node_modules missing (run npm ci in clients/js): skipped locally");
        assertThat(ready).as("node and clients/js/node_modules (npm ci) are installed").isTrue();
    }

    /** Runs {@code node --test clients/js/test/<script>} with {@code env} added and requires it to pass. */
    public static void run(String script, Map<String, String> env) throws Exception {
        // the output goes to a file, not a pipe, so a script that hangs cannot block us past the timeout
        Path log = Files.createTempFile("node-test-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder("node", "--test", "--test-reporter=spec", "test/" + script)
                    .directory(CLIENTS.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            boolean ended = process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                // node --test runs each file in a child process: end those too
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(ended && process.exitValue() == 0)
                    .as("node --test %s%s:%n%s", script, ended ? "" : " (killed after " + SCRIPT_TIMEOUT_SECONDS + " s)", output)
                    .isTrue();
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static Path clientsDirectory() {
        // bounded by the depth of the working directory: each step goes one directory up
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("clients/js"))) {
                return dir.resolve("clients/js");
            }
        }
        return Path.of("..", "clients", "js").toAbsolutePath().normalize();
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
