package dev.magpie.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code magpie acl}: questions about the ACL a config uses; today {@code check} ({@link AclCheckCommand}). */
@Command(name = "acl",
        mixinStandardHelpOptions = true,
        versionProvider = MagpieCommand.Version.class,
        headerHeading = "%n",
        header = "Ask the ACL file what it allows, and which rule decides.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        optionListHeading = "%nOptions:%n")
public final class AclCommand implements Callable<Integer>, OneLineUsageErrors {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return UserCommand.EXIT_USAGE;
    }

    static CommandLine newCommandLine(Map<String, String> environment) {
        return new CommandLine(new AclCommand()).addSubcommand("check", new AclCheckCommand(environment));
    }
}
