package dev.magpie.server.cli;

import dev.magpie.Broker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code magpie} program: the main class of {@code magpie.jar} and what {@code bin/magpie} runs. It only
 * dispatches to subcommands. Subcommands are added here in {@link #newCommandLine} rather than in the
 * annotation so that each can be given what it needs (the environment, for now) instead of reaching for
 * globals, which keeps them testable in-process.
 */
@Command(name = "magpie",
        mixinStandardHelpOptions = true,
        versionProvider = MagpieCommand.Version.class,
        sortOptions = false,
        headerHeading = "%n",
        header = "Magpie, an MQTT 3.1, 3.1.1 and 5.0 broker for the JVM.",
        synopsisSubcommandLabel = "COMMAND",
        description = {
                "%nRuns the broker as a standalone program: MQTT over TCP, TLS, WebSocket and secure WebSocket"
                        + " listeners; a built-in user database (user name and password, or SCRAM-SHA-256 with"
                        + " MQTT 5 enhanced authentication), mosquitto-style password and ACL files, mutual TLS;"
                        + " per-client rate, topic and subscription limits, bans and flapping detection. Also a"
                        + " certificate tool, a deployment checker for WeChat mini programs and other"
                        + " MQTT/WebSocket endpoints, and pub/sub clients to test a deployment with."},
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie serve",
                "      broker on 127.0.0.1:1883 for local clients, anonymous allowed",
                "  bin/magpie serve --config magpie.yaml",
                "      broker configured from a YAML file (start from magpie.example.yaml)",
                "  bin/magpie user add test --password 123456 --data-dir data",
                "      a user for the built-in user database (bin/magpie user --help)",
                "  bin/magpie serve --config examples/seed/magpie.yaml --data-dir data",
                "      users only, with the seed's /public/# and /users/%%u/# ACL",
                "  bin/magpie acl check --config examples/seed/magpie.yaml --user test \\",
                "      --topic '#' --action subscribe",
                "      allow or deny, and the rule that decided",
                "  bin/magpie serve --dev",
                "      also MQTT over TLS on 8883 and WSS on 8443, with a CA made for development",
                "  bin/magpie certs ca --out certs",
                "      a private CA for TLS; then certs server and certs client",
                "  bin/magpie doctor wxs://mqtt.example.com/mqtt",
                "      check a deployment as a WeChat mini program connects to it",
                "  bin/magpie sub -t 'sensors/#' -v    and    bin/magpie pub -t sensors/1 -m 21.5",
                "      test a deployment as a client (mosquitto_sub/mosquitto_pub's options)",
                "  bin/magpie serve --help",
                "      every option of serve, with its default",
                "",
                "Java options (heap size, ...) go in MAGPIE_JAVA_OPTS, read by bin/magpie."})
public final class MagpieCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Without a command, show what the commands are and fail as a usage error would. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** The full command tree, reading {@code MAGPIE_…} overrides from {@code environment}. */
    public static CommandLine newCommandLine(Map<String, String> environment) {
        return newCommandLine(environment, Terminal.system());
    }

    /** As {@link #newCommandLine(Map)}, reading passwords from {@code terminal}. */
    static CommandLine newCommandLine(Map<String, String> environment, Terminal terminal) {
        CommandLine cli = new CommandLine(new MagpieCommand())
                .addSubcommand("serve", new ServeCommand(environment))
                .addSubcommand("user", UserCommand.newCommandLine(environment, terminal))
                .addSubcommand("apikey", ApiKeyCommand.newCommandLine(environment))
                .addSubcommand("acl", AclCommand.newCommandLine(environment))
                .addSubcommand("certs", new CertsCommand())
                .addSubcommand("doctor", new DoctorCommand())
                .addSubcommand("pub", new PubCommand(environment, terminal))
                .addSubcommand("sub", new SubCommand(environment, terminal));
        cli.setParameterExceptionHandler(CertsCommand.oneLineUsageErrors(cli.getParameterExceptionHandler()));
        return cli;
    }

    public static void main(String[] args) {
        int status = newCommandLine(System.getenv()).execute(args);
        LogLevels.drain();
        System.exit(status);
    }

    /** The version and commit the broker library was built from, e.g. {@code 0.1.0 (commit 3af4741e0c2b)}. */
    static String version() {
        return Broker.version();
    }

    /** {@code magpie --version}: our version and the Java running it (the first thing asked in a bug report). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{
                    "magpie " + version(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
