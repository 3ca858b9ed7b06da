package dev.magpie.server.certs;

import dev.magpie.server.cli.MagpieCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code magpie} in-process, as {@code bin/magpie} would, capturing what it prints. */
final class Cli {

    record Run(int exitCode, String out, String err) {
    }

    private Cli() {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MagpieCommand.newCommandLine(Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** {@code certs COMMAND --out dir ARGS...}. */
    static Run certs(String command, Path dir, String... args) {
        List<String> all = new ArrayList<>(List.of("certs", command, "--out", dir.toString()));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** Like {@link #certs} but fails the test unless the command succeeded. */
    static Run ok(String command, Path dir, String... args) {
        Run run = certs(command, dir, args);
        if (run.exitCode() != 0) {
            throw new AssertionError("certs " + command + " failed with " + run.exitCode() + ": " + run.err());
        }
        return run;
    }
}
