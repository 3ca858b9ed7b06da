package dev.magpie.server.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code main} does for a quick start (docs/benchmarks.md, "Start-up"): Netty's JFR events off unless the JVM was
 * told otherwise, and only the command asked for built, while help and mistakes still see every command.
 */
class MagpieCommandStartTest {
    private static final List<String> ALL = List.of("serve", "user", "apikey", "acl", "certs", "doctor", "pub", "sub");

    private static List<String> commandsFor(String... args) {
        return List.copyOf(MagpieCommand.newCommandLineFor(Map.of(), Terminal.system(), args).getSubcommands().keySet());
    }

    @Test
    void aNamedCommandIsTheOnlyOneBuilt() {
        assertThat(commandsFor("serve", "--port", "0")).containsExactly("serve");
        assertThat(commandsFor("user", "list")).containsExactly("user");
    }

    @Test
    void helpNoCommandAndATypoSeeEveryCommand() {
        assertThat(commandsFor()).containsExactlyElementsOf(ALL);
        assertThat(commandsFor("--help")).containsExactlyElementsOf(ALL);
        assertThat(commandsFor("servve")).containsExactlyElementsOf(ALL);
    }

    @Test
    void aTypoIsAnsweredWithTheCommandsThatExist() {
        CommandLine cli = MagpieCommand.newCommandLineFor(Map.of(), Terminal.system(), new String[]{"servve"});
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("servve")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("servve").contains("serve");
    }

    @Test
    void offWhenNotGiven() {
        Properties system = new Properties();
        MagpieCommand.turnOffNettyJfr(system);
        assertThat(system.getProperty(MagpieCommand.NETTY_JFR)).isEqualTo("false");
    }

    @Test
    void aGivenValueIsKept() {
        Properties system = new Properties();
        system.setProperty(MagpieCommand.NETTY_JFR, "true");
        MagpieCommand.turnOffNettyJfr(system);
        assertThat(system.getProperty(MagpieCommand.NETTY_JFR)).isEqualTo("true");
    }
}
