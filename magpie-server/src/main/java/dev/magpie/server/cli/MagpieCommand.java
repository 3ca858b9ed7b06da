package dev.magpie.server.cli;

import dev.magpie.Broker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

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
        return newCommandLine(environment, terminal, null);
    }

    /**
     * The command tree for {@code args}: when the first argument names a command, only that command is built. picocli
     * reads every option annotation of every command it is given, which was about a fifth of a one-core start
     * (docs/benchmarks.md, "Start-up"); help, a typo and no command at all still get the whole tree.
     */
    static CommandLine newCommandLineFor(Map<String, String> environment, Terminal terminal, String[] args) {
        return newCommandLine(environment, terminal, args.length > 0 ? args[0] : null);
    }

    private static CommandLine newCommandLine(Map<String, String> environment, Terminal terminal, String only) {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("serve", () -> new ServeCommand(environment));
        commands.put("user", () -> UserCommand.newCommandLine(environment, terminal));
        commands.put("apikey", () -> ApiKeyCommand.newCommandLine(environment));
        commands.put("acl", () -> AclCommand.newCommandLine(environment));
        commands.put("certs", CertsCommand::new);
        commands.put("doctor", DoctorCommand::new);
        commands.put("pub", () -> new PubCommand(environment, terminal));
        commands.put("sub", () -> new SubCommand(environment, terminal));
        CommandLine cli = new CommandLine(new MagpieCommand());
        commands.forEach((name, command) -> {
            if (only == null || !commands.containsKey(only) || only.equals(name)) {
                cli.addSubcommand(name, command.get());
            }
        });
        cli.setParameterExceptionHandler(CertsCommand.oneLineUsageErrors(cli.getParameterExceptionHandler()));
        return cli;
    }

    public static void main(String[] args) {
        turnOffNettyJfr(System.getProperties());
        int status = newCommandLineFor(System.getenv(), Terminal.system(), args).execute(args);
        LogLevels.drain();
        System.exit(status);
    }

    /** Netty's switch for its JFR events, read once when its first class loads. */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    /**
     * Netty 4.2 registers its JFR buffer events with the JVM's flight recorder at the first allocation: 150-200 ms of a
     * one-core start (docs/benchmarks.md, "Start-up"), for events nobody records unless a recording is started. Off
     * unless the JVM was given the property ({@code -Dio.netty.jfr.enabled=true} for a profiling session). Before any
     * Netty class loads.
     */
    static void turnOffNettyJfr(java.util.Properties system) {
        if (system.getProperty(NETTY_JFR) == null) {
            system.setProperty(NETTY_JFR, "false");
        }
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
