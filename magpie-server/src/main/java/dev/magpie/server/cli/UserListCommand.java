package dev.magpie.server.cli;

import dev.magpie.store.User;
import dev.magpie.store.UserStore;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code magpie user list}: the user names, one per line and sorted, so scripts can read them; an administrator's
 * name is followed by a tab and {@code admin}.
 */
@Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
        headerHeading = "%n", header = "List the users of the built-in user database, one name per line (administrators: NAME<TAB>admin).",
        optionListHeading = "%nOptions:%n")
final class UserListCommand extends UserSubcommand {

    UserListCommand(Map<String, String> environment) {
        super(environment);
    }

    @Override
    void run(UserStore store, PrintWriter out, PrintWriter err) {
        List<User> users = store.list();
        users.forEach(user -> out.println(user.admin() ? user.name() + "\tadmin" : user.name()));
        if (users.isEmpty()) {
            err.println("no users in " + store.location());
        }
    }
}
