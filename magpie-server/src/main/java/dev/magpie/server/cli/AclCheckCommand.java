package dev.magpie.server.cli;

import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.security.acl.Action;
import dev.magpie.security.acl.Explanation;
import dev.magpie.server.config.ConfigException;
import dev.magpie.server.config.ConfigLoader;
import dev.magpie.server.config.MagpieConfig;
import dev.magpie.server.config.SecurityConfig;
import dev.magpie.server.security.SecurityFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code magpie acl check}: answers one question the way the broker would, from the same ACL file and
 * default policy, and says why: {@code allow by acl.conf:3: pattern readwrite /users/%u/#} or
 * {@code deny by default policy (deny): no rule matched}. The first word is the decision, for scripts.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        headerHeading = "%n",
        header = "Print allow or deny for one action, and the ACL rule (file:line) or default policy that decided.",
        description = {"%nUses security.acl_file and security.default_policy of --config (with MAGPIE_… overrides),"
                + " or the file given with --acl-file. The user name is taken as already authenticated."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the answer was printed (allow or deny)", "2:bad option, config or ACL file"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie acl check --config examples/seed/magpie.yaml --user test \\",
                "      --client c1 --topic /users/test/x --action publish",
                "  bin/magpie acl check --acl-file acl.conf --user alice --client c1 \\",
                "      --topic '#' --action subscribe"})
final class AclCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", order = 1,
            description = "Config file whose security.acl_file and default_policy are used.")
    Path configFile;

    @Option(names = "--acl-file", paramLabel = "FILE", order = 2,
            description = "ACL file to use instead of the config's acl_file.")
    Path aclFile;

    @Option(names = "--user", paramLabel = "U", order = 3,
            description = "The client's user name (default: none, an anonymous client).")
    String user;

    @Option(names = "--client", paramLabel = "C", order = 4, defaultValue = "acl-check",
            description = "The client id, for %%c patterns (default: ${DEFAULT-VALUE}).")
    String client;

    @Option(names = "--topic", paramLabel = "T", required = true, order = 5,
            description = "The topic (publish, receive) or topic filter (subscribe).")
    String topic;

    @Option(names = "--action", paramLabel = "ACTION", required = true, order = 6, converter = ActionConverter.class,
            description = "publish, subscribe or receive.")
    Action action;

    private final Map<String, String> environment;

    AclCheckCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (action != Action.SUBSCRIBE && (topic.contains("+") || topic.contains("#"))) {
                throw new UsageException("--topic '" + topic + "' has a wildcard, which only a subscribe filter may have");
            }
            ConfigLoader loader = new ConfigLoader(environment);
            MagpieConfig config = configFile != null ? loader.load(configFile) : loader.applyEnvironment(MagpieConfig.defaults());
            SecurityConfig security = config.security();
            Optional<Path> file = aclFile != null ? Optional.of(aclFile) : security.aclFilePath();
            if (file.isEmpty()) {
                out.println("allow by no ACL file configured (security.acl_file is empty): every action is allowed");
                out.flush();
                return 0;
            }
            AclAuthorizer acl = SecurityFiles.loadAcl(file.get(), security.defaultPolicy().decision());
            Explanation why = acl.explain(user, client, topic, action);
            out.println(why.decision().name().toLowerCase(Locale.ROOT) + " by " + why.reason());
            out.flush();
            return 0;
        } catch (UsageException | ConfigException e) {
            err.println(spec.qualifiedName(" ") + ": " + e.getMessage());
            err.flush();
            return UserCommand.EXIT_USAGE;
        }
    }

    /** {@code publish}, {@code subscribe} or {@code receive}, in any case. */
    static final class ActionConverter implements ITypeConverter<Action> {
        @Override
        public Action convert(String value) {
            for (Action a : Action.values()) {
                if (a.name().equalsIgnoreCase(value)) {
                    return a;
                }
            }
            throw new TypeConversionException("'" + value + "' is not an action: use publish, subscribe or receive");
        }
    }
}
