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

/** {@code magpie user passwd NAME [--password PW]}: sets a new password for an existing user. */
@Command(name = "passwd", mixinStandardHelpOptions = true, sortOptions = false,
        headerHeading = "%n", header = "Set a new password for a user of the built-in user database.",
        optionListHeading = "%nOptions:%n")
final class UserPasswdCommand extends UserSubcommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "An existing user.")
    String name;

    @Option(names = "--password", paramLabel = "PW", arity = "1", order = 1,
            description = "The new password (default: ask twice at a terminal, else read one line from standard input).")
    char[] password;

    private final Terminal terminal;

    UserPasswdCommand(Map<String, String> environment, Terminal terminal) {
        super(environment);
        this.terminal = terminal;
    }

    @Override
    void run(UserStore store, PrintWriter out, PrintWriter err) throws IOException {
        UserStore.validateName(name);
        if (store.hashOf(name).isEmpty()) { // say so before asking for a password
            throw new UserStoreException(UserStoreException.Kind.NOT_FOUND, "there is no user '" + name + "' in "
                    + store.location());
        }
        char[] secret = password != null ? password : PasswordPrompt.newPassword(terminal, name);
        try {
            store.setPassword(name, secret);
        } finally {
            Arrays.fill(secret, '\0');
        }
        out.println("changed the password of " + name);
    }
}
