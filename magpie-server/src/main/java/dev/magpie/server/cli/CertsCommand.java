package dev.magpie.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code magpie certs}: the group of commands that make a private CA and the certificates it signs, replacing
 * the openssl recipes a TLS setup used to need. The work is in {@code dev.magpie.server.certs}; each
 * subcommand ({@link CertsCaCommand}, {@link CertsServerCommand}, {@link CertsClientCommand}) parses its flags,
 * calls it, and says which file goes where.
 *
 * <p>Usage errors of these commands are one line on stderr, with a pointer to {@code --help}, rather than
 * picocli's message followed by the whole usage text: these commands are often scripted, and the one line is
 * what a script's log should show.
 */
@Command(name = "certs",
        mixinStandardHelpOptions = true,
        versionProvider = MagpieCommand.Version.class,
        sortOptions = false,
        headerHeading = "%n",
        header = "Create a private CA and the TLS server and client certificates it signs.",
        synopsisSubcommandLabel = "COMMAND",
        description = {
                "%nFor TLS (MQTT over TLS, WSS, HTTPS) a server needs a certificate its clients trust. These"
                        + " commands make a small CA of your own in a directory, then server and client"
                        + " certificates signed by it. Clients trust the CA once (ca.crt) and then accept"
                        + " every certificate it signs. Keys are EC P-256 unless you ask for RSA; private keys are"
                        + " written readable by their owner only, and no file is overwritten without --force."},
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie certs ca --out certs",
                "      a CA in certs/ca.crt and certs/ca.key",
                "  bin/magpie certs server --out certs --dns localhost --ip 127.0.0.1",
                "      certs/server.crt and certs/server.key, for clients on this machine",
                "  bin/magpie certs client --out certs --name sensor-1",
                "      certs/sensor-1.crt and certs/sensor-1.key for mutual TLS",
                "",
                "Which file goes where, and how to trust the CA: docs/certificates.md"},
        subcommands = {CertsCaCommand.class, CertsServerCommand.class, CertsClientCommand.class})
public final class CertsCommand implements Callable<Integer>, OneLineUsageErrors {

    /** Bad or missing input: flags, names, a missing CA, a file that would be overwritten. */
    static final int EXIT_USAGE = 2;
    /** Reading or writing a file failed. */
    static final int EXIT_IO = 1;

    @Spec
    private CommandSpec spec;

    /** Without a subcommand, show them and fail as a usage error would. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /**
     * A handler that reports a usage error of a {@code certs}, {@code user} or {@code acl} command (any group
     * marked {@link OneLineUsageErrors}) in one line and passes those of other commands to {@code others}, so
     * {@code serve} keeps its own behaviour.
     */
    static IParameterExceptionHandler oneLineUsageErrors(IParameterExceptionHandler others) {
        return (exception, args) -> {
            CommandLine failed = exception.getCommandLine();
            if (!wantsOneLineErrors(failed.getCommandSpec())) {
                return others.handleParseException(exception, args);
            }
            String name = failed.getCommandSpec().qualifiedName(" ");
            PrintWriter err = failed.getErr();
            err.println(name + ": " + exception.getMessage() + " (see bin/" + name + " --help)");
            err.flush();
            return EXIT_USAGE;
        };
    }

    private static boolean wantsOneLineErrors(CommandSpec command) {
        for (CommandSpec spec = command; spec != null; spec = spec.parent()) {
            if (spec.userObject() instanceof OneLineUsageErrors) {
                return true;
            }
        }
        return false;
    }
}
