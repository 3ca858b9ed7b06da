package dev.magpie.server.doctor;

import dev.magpie.server.cli.MagpieCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/** {@code magpie doctor ARGS} (or any magpie command) run in-process as {@code bin/magpie} would, with what it printed. */
record DoctorRun(int exitCode, String out, String err) {

    static DoctorRun of(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "doctor";
        System.arraycopy(args, 0, all, 1, args.length);
        return magpie(all);
    }

    /** {@code magpie ARGS}, for the top-level help. */
    static DoctorRun magpie(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MagpieCommand.newCommandLine(Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new DoctorRun(exitCode, out.toString(), err.toString());
    }

    /**
     * The report line of {@code check} ("FAIL  certificate chain  ...") joined with its fix line, if any;
     * fails the test if the check is not in the report.
     */
    String line(Check check) {
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.length() > 6 && line.substring(6).startsWith(check.label() + " ")) {
                boolean hasFix = i + 1 < lines.size() && lines.get(i + 1).strip().startsWith("fix:");
                return hasFix ? line + " " + lines.get(i + 1).strip() : line;
            }
        }
        throw new AssertionError("no line for " + check.label() + " in:\n" + out + err);
    }

    /** PASS, WARN, FAIL or SKIP of {@code check}. */
    Status status(Check check) {
        return Status.valueOf(line(check).substring(0, 4));
    }
}
