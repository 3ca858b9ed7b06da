package dev.magpie.server.cli;

import dev.magpie.store.UserStore;
import dev.magpie.store.UserStoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;

/** {@code magpie user add NAME [--password PW] [--admin]}: adds a user; fails if the name is taken. */
@Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
        headerHeading = "%n", header = "Add a user to the built-in user database (created if missing).",
        optionListHeading = "%nOptions:%n")
final class UserAddCommand extends UserSubcommand {

    @Parameters(index = "0", paramLabel = "NAME",
            description = "User name: 1..256 characters, no '+', '#', '/' or control characters.")
    String name;

    @Option(names = "--password", paramLabel = "PW", arity = "1", order = 1,
            description = "The password (default: ask twice at a terminal, else read one line from standard input).")
    char[] password;

    @Option(names = "--admin", order = 2,
            description = "Make the user an administrator: it may log in to the admin REST API (/api/v1, docs/api.md).")
    boolean admin;

    private final Terminal terminal;

    UserAddCommand(Map<String, String> environment, Terminal terminal) {
        super(environment);
        this.terminal = terminal;
    }

    @Override
    boolean createsDatabase() {
        return true;
    }

    @Override
    void run(UserStore store, PrintWriter out, PrintWriter err) throws IOException {
        UserStore.validateName(name);
        if (store.hashOf(name).isPresent()) { // say so before asking for a password
            throw new UserStoreException(UserStoreException.Kind.ALREADY_EXISTS, "user '" + name
                    + "' already exists (to change the password: magpie user passwd " + name + ")");
        }
        char[] secret = password != null ? password : PasswordPrompt.newPassword(terminal, name);
        try {
            store.add(name, secret, admin);
        } finally {
            Arrays.fill(secret, '\0');
        }
        out.println("added " + (admin ? "administrator " : "user ") + name + " to " + store.location());
    }
}
