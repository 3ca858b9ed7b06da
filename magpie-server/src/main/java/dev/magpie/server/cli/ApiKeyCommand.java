package dev.magpie.server.cli;

import dev.magpie.store.ApiKeys;
import dev.magpie.store.UserStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code magpie apikey add|list|remove}: the API keys scripts use for the admin REST API ({@code Authorization:
 * Bearer mgp_...}), kept hashed in the user database next to the users; the database is found as for
 * {@code magpie user} ({@link UserSubcommand}).
 */
@Command(name = "apikey",
        mixinStandardHelpOptions = true,
        versionProvider = MagpieCommand.Version.class,
        sortOptions = false,
        headerHeading = "%n",
        header = "Add, list and remove API keys for the admin REST API (/api/v1).",
        synopsisSubcommandLabel = "COMMAND",
        description = {
                "%nKeys live in DIR/magpie.db next to the users (DIR as for 'magpie user'). A key is shown once, when it is made;"
                        + " only its SHA-256 hash is kept. A running broker accepts a new key at once and refuses a removed one at once."},
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "1:the database cannot be read or written", "2:bad input: an invalid, taken or unknown name"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie apikey add backup-job --data-dir data",
                "      prints a new key, for: curl -H \"Authorization: Bearer $KEY\" URL",
                "  bin/magpie apikey list",
                "  bin/magpie apikey remove backup-job"})
public final class ApiKeyCommand implements Callable<Integer>, OneLineUsageErrors {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return UserCommand.EXIT_USAGE;
    }

    static CommandLine newCommandLine(Map<String, String> environment) {
        return new CommandLine(new ApiKeyCommand())
                .addSubcommand("add", new Add(environment))
                .addSubcommand("list", new ListKeys(environment))
                .addSubcommand("remove", new Remove(environment));
    }

    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false, headerHeading = "%n",
            header = "Make an API key and print it (once).", optionListHeading = "%nOptions:%n")
    static final class Add extends UserSubcommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "A name for the key (who or what uses it), as for user names.")
        String name;

        Add(Map<String, String> environment) {
            super(environment);
        }

        @Override
        boolean createsDatabase() {
            return true;
        }

        @Override
        void run(UserStore store, PrintWriter out, PrintWriter err) {
            String key = store.apiKeys().add(name);
            out.println(key);
            err.println("API key " + name + " added to " + store.location() + "; it is shown only now: keep it safe");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false, headerHeading = "%n",
            header = "List the API keys: name and creation time, one per line (never the keys).", optionListHeading = "%nOptions:%n")
    static final class ListKeys extends UserSubcommand {
        ListKeys(Map<String, String> environment) {
            super(environment);
        }

        @Override
        void run(UserStore store, PrintWriter out, PrintWriter err) {
            List<ApiKeys.ApiKey> keys = store.apiKeys().list();
            keys.forEach(k -> out.println(k.name() + "\t" + k.createdAt()));
            if (keys.isEmpty()) {
                err.println("no API keys in " + store.location());
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, sortOptions = false, headerHeading = "%n",
            header = "Remove an API key; calls with it are refused from now on.", optionListHeading = "%nOptions:%n")
    static final class Remove extends UserSubcommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The key's name.")
        String name;

        Remove(Map<String, String> environment) {
            super(environment);
        }

        @Override
        void run(UserStore store, PrintWriter out, PrintWriter err) {
            store.apiKeys().remove(name);
            out.println("removed API key " + name + " from " + store.location());
        }
    }
}
