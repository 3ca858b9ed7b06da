package dev.magpie.server.cli;

import dev.magpie.store.UserStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Map;

/** {@code magpie user remove NAME}: removes a user; connected clients of that user stay until they disconnect. */
@Command(name = "remove", mixinStandardHelpOptions = true, sortOptions = false,
        headerHeading = "%n", header = "Remove a user from the built-in user database.",
        description = {"%nClients connected as this user stay connected until they disconnect; they cannot log in again."},
        optionListHeading = "%nOptions:%n")
final class UserRemoveCommand extends UserSubcommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "An existing user.")
    String name;

    UserRemoveCommand(Map<String, String> environment) {
        super(environment);
    }

    @Override
    void run(UserStore store, PrintWriter out, PrintWriter err) {
        store.remove(name);
        out.println("removed user " + name);
    }
}
