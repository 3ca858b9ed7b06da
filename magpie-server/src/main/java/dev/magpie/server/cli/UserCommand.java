package dev.magpie.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code magpie user}: manages the built-in user database, {@code <data-dir>/magpie.db}, that {@code serve}
 * checks when {@code security.users} is {@code builtin}. The subcommands ({@link UserAddCommand},
 * {@link UserPasswdCommand}, {@link UserRemoveCommand}, {@link UserListCommand}) share the way the database is
 * found ({@link UserSubcommand}). A running broker reads the database on every CONNECT, so changes count from
 * the next login without a restart.
 */
@Command(name = "user",
        mixinStandardHelpOptions = true,
        versionProvider = MagpieCommand.Version.class,
        sortOptions = false,
        headerHeading = "%n",
        header = "Add, change, remove and list the users of the built-in user database.",
        synopsisSubcommandLabel = "COMMAND",
        description = {
                "%nUsers live in DIR/magpie.db (SQLite), where DIR is --data-dir, else the data_dir of --config,"
                        + " else ./data. Passwords are stored only as PBKDF2-SHA512 hashes and SCRAM-SHA-256 credentials. Without --password,"
                        + " add and passwd ask twice at a terminal (nothing is shown) or read one line from"
                        + " standard input. A running broker sees changes at the next login."},
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:done",
                "1:the database cannot be read or written",
                "2:bad input: an invalid or unknown user name, a user that exists, passwords that differ"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie user add test --password 123456 --data-dir data",
                "      user test, password 123456 (kept in the shell history: prefer the prompt)",
                "  bin/magpie user add alice",
                "      asks for alice's password twice",
                "  printf '%%s\\n' \"$PW\" | bin/magpie user passwd alice --config magpie.yaml",
                "      new password from a script, database found through the config's data_dir",
                "  bin/magpie user list",
                "      the user names in ./data/magpie.db, one per line"})
public final class UserCommand implements Callable<Integer>, OneLineUsageErrors {

    static final int EXIT_USAGE = 2;
    static final int EXIT_IO = 1;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** {@code user} with its subcommands, which read overrides from {@code environment} and passwords from {@code terminal}. */
    static CommandLine newCommandLine(Map<String, String> environment, Terminal terminal) {
        return new CommandLine(new UserCommand())
                .addSubcommand("add", new UserAddCommand(environment, terminal))
                .addSubcommand("passwd", new UserPasswdCommand(environment, terminal))
                .addSubcommand("remove", new UserRemoveCommand(environment))
                .addSubcommand("list", new UserListCommand(environment));
    }
}
