package dev.magpie.server.cli;

import dev.magpie.server.config.ConfigException;
import dev.magpie.server.config.ConfigLoader;
import dev.magpie.server.config.MagpieConfig;
import dev.magpie.store.UserStore;
import dev.magpie.store.UserStoreException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What the {@code user} subcommands share: finding the database ({@code --data-dir}, else the data_dir of
 * {@code --config} with its {@code MAGPIE_…} overrides, else {@code ./data}, as {@code serve} would), opening
 * it, and turning failures into one line and an exit status (2 for bad input, 1 for the database). Nothing
 * here prints a password or a hash.
 */
abstract class UserSubcommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", order = 10,
            description = "Directory holding magpie.db (default: the data_dir of --config, else ./data).")
    Path dataDir;

    @Option(names = "--config", paramLabel = "FILE", order = 11,
            description = "Take the data directory from this config file's data_dir.")
    Path configFile;

    private final Map<String, String> environment;

    UserSubcommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Whether the database may be created when it does not exist (only {@code add} creates it). */
    boolean createsDatabase() {
        return false;
    }

    /** Does the work on the open store and prints what was done. */
    abstract void run(UserStore store, PrintWriter out, PrintWriter err) throws IOException;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Path dir = dataDirectory();
            if (!createsDatabase() && !Files.exists(dir.resolve(UserStore.FILE_NAME))) {
                return fail(err, "there is no user database " + dir.resolve(UserStore.FILE_NAME)
                        + " (check --data-dir or --config; 'magpie user add' creates it)", UserCommand.EXIT_IO);
            }
            try (UserStore store = UserStore.open(dir)) {
                run(store, out, err);
            }
            out.flush();
            err.flush();
            return 0;
        } catch (UsageException | ConfigException e) {
            return fail(err, e.getMessage(), UserCommand.EXIT_USAGE);
        } catch (UserStoreException e) {
            return fail(err, e.getMessage(), e.kind() == UserStoreException.Kind.STORAGE ? UserCommand.EXIT_IO : UserCommand.EXIT_USAGE);
        } catch (IOException e) {
            return fail(err, CertsSubcommand.describe(e), UserCommand.EXIT_IO);
        }
    }

    /** Where {@code magpie.db} is, as {@code serve} with the same flags and environment would find it. */
    Path dataDirectory() {
        if (dataDir != null) {
            return dataDir.toAbsolutePath().normalize();
        }
        ConfigLoader loader = new ConfigLoader(environment);
        MagpieConfig config = configFile != null ? loader.load(configFile) : loader.applyEnvironment(MagpieConfig.defaults());
        return config.dataDir().toAbsolutePath().normalize();
    }

    private int fail(PrintWriter err, String message, int status) {
        err.println(spec.qualifiedName(" ") + ": " + message);
        err.flush();
        return status;
    }
}
