package dev.magpie.server.cli;

import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs {@code magpie pub} or {@code magpie sub} in-process, as {@code bin/magpie} would, with standard input given
 * and standard output (bytes) and error captured. {@link #start} runs it on its own thread, for a subscriber that
 * waits while the test publishes.
 */
record ClientRun(int exitCode, String out, String err) {

    static ClientRun run(Map<String, String> environment, String stdin, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        CommandLine cli = MagpieCommand.newCommandLine(environment, terminal(stdin, stdout));
        StringWriter text = new StringWriter();
        cli.setOut(new PrintWriter(text, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new ClientRun(exitCode, stdout.toString(StandardCharsets.UTF_8) + text, err.toString().strip());
    }

    static ClientRun run(String... args) {
        return run(Map.of(), "", args);
    }

    static CompletableFuture<ClientRun> start(String... args) {
        return CompletableFuture.supplyAsync(() -> run(args), task -> {
            Thread thread = new Thread(task, "client-under-test");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private static Terminal terminal(String stdin, OutputStream stdout) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return new Terminal() {
            @Override
            public boolean hasConsole() {
                return false;
            }

            @Override
            public char[] readHidden(String prompt) {
                return null;
            }

            @Override
            public InputStream stdin() {
                return in;
            }

            @Override
            public OutputStream stdout() {
                return stdout;
            }
        };
    }
}
