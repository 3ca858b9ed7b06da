package dev.magpie.server.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code magpie --help} and {@code magpie serve --help} must be enough to get started without the README. */
class HelpTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MagpieCommand.newCommandLine(Map.of());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exitCode = cli.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void topLevelHelpDescribesMagpieAndListsServeWithExamples() {
        Run run = run("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("MQTT 3.1, 3.1.1 and 5.0 broker")
                .contains("serve")
                .contains("--version")
                .contains("Examples:")
                .contains("bin/magpie serve --config magpie.yaml");
    }

    @Test
    void serveHelpShowsEveryOptionWithItsDefaultAndExamples() {
        Run run = run("serve", "--help");
        String help = run.out().replaceAll("\\s+", " "); // option descriptions wrap at 80 columns

        assertThat(run.exitCode()).isZero();
        assertThat(help)
                .contains("127.0.0.1:1883")
                .contains("--config=FILE").contains("--port=N").contains("--bind=ADDR").contains("--data-dir=DIR")
                .contains("--log-level=LEVEL")
                .contains("(default: 1883").contains("(default: ./data").contains("(default: info")
                .contains("(default: 127.0.0.1 without")
                .contains("trace, debug, info, warn, error, off")
                .contains("Exit status:")
                .contains("Examples:")
                .contains("bin/magpie serve --port 0");
    }

    @Test
    void topLevelHelpNamesWhatTheBrokerHasToday() {
        String help = run("--help").out().replaceAll("\\s+", " ");

        assertThat(help).contains("TLS").contains("WebSocket").contains("SCRAM-SHA-256").contains("enhanced authentication")
                .contains("limits").contains("bans").contains("doctor").contains("bin/magpie serve --dev");
    }

    /** picocli breaks lines wider than 80 columns without indenting the rest, which garbles a command line. */
    @Test
    void noExampleLineOfAnyCommandIsWiderThan80Columns() {
        List<String> tooWide = new ArrayList<>();
        collectWideFooterLines(MagpieCommand.newCommandLine(Map.of()), "magpie", tooWide);
        assertThat(tooWide).isEmpty();
    }

    private static void collectWideFooterLines(CommandLine command, String path, List<String> tooWide) {
        for (String line : command.getCommandSpec().usageMessage().footer()) {
            String shown = String.format(line);
            if (shown.length() > 80) {
                tooWide.add(path + ": " + shown);
            }
        }
        command.getSubcommands().forEach((name, sub) -> collectWideFooterLines(sub, path + " " + name, tooWide));
    }

    @Test
    void versionNamesMagpieItsCommitAndJava() {
        Run run = run("--version");

        assertThat(run.out()).startsWith("magpie " + dev.magpie.Broker.version() + System.lineSeparator())
                .contains("Java " + System.getProperty("java.version"));
        // the build asks git for the commit (this test runs from a checkout); "unknown" only outside one
        assertThat(run.out().lines().findFirst().orElseThrow()).matches("magpie \\S+ \\(commit ([0-9a-f]{12}|unknown)\\)");
    }

    @Test
    void noCommandPrintsUsageAndIsAUsageError() {
        Run run = run();

        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("Usage: magpie").contains("serve");
    }

    @Test
    void aConfigErrorIsOneLineAndExitStatus2() {
        Run run = run("serve", "--config", "does-not-exist.yaml");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly(
                "magpie: config file does-not-exist.yaml does not exist (relative paths start at "
                        + java.nio.file.Path.of("").toAbsolutePath() + ")");
    }

    @Test
    void aBadOptionValueIsAUsageErrorThatSaysWhy() {
        Run run = run("serve", "--log-level", "loud");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for option '--log-level': 'loud' is not a log level");
    }
}
