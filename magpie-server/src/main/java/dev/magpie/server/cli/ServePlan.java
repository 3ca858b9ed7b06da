package dev.magpie.server.cli;

import dev.magpie.server.config.ConfigException;
import dev.magpie.server.config.ConfigLoader;
import dev.magpie.server.config.ListenerConfig;
import dev.magpie.server.config.LogLevel;
import dev.magpie.server.config.MagpieConfig;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What {@code magpie serve} is about to run, decided before anything is bound: the effective config after
 * defaults, file, environment and flags, and whether it came from the built-in local-only defaults. Keeping the
 * decision in a value makes "no config means loopback only, anonymous allowed" testable without a broker.
 *
 * @param config     the effective configuration
 * @param localOnly  true when no config file was given and the local-only defaults apply
 */
public record ServePlan(MagpieConfig config, boolean localOnly) {

    /** Without a config file: {@link MagpieConfig#localOnly()} plus the environment. */
    public static ServePlan withoutConfigFile(ConfigLoader loader) {
        return new ServePlan(loader.applyEnvironment(MagpieConfig.localOnly()), true);
    }

    /** From {@code file} plus the environment. */
    public static ServePlan fromConfigFile(Path file, ConfigLoader loader) {
        return new ServePlan(loader.load(file), false);
    }

    /** {@code --port}: the port of the first tcp listener. */
    public ServePlan withPort(int port) {
        return withFirstTcpListener("--port " + port, listener -> listener.withPort(port));
    }

    /** {@code --bind}: the address of the first tcp listener. */
    public ServePlan withBind(String bind) {
        return withFirstTcpListener("--bind " + bind, listener -> listener.withBind(bind));
    }

    public ServePlan withDataDir(Path dataDir) {
        return new ServePlan(config.withDataDir(dataDir), localOnly);
    }

    public ServePlan withLogLevel(LogLevel level) {
        return new ServePlan(config.withLogLevel(level), localOnly);
    }

    private ServePlan withFirstTcpListener(String flag, UnaryOperator<ListenerConfig> change) {
        try {
            return new ServePlan(config.withFirstTcpListener(change), localOnly);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config error in " + flag + ": " + e.getMessage(), e);
        }
    }

    /**
     * The one line printed when running on the local-only defaults: where it listens, who may connect, and
     * how to get a real config. Empty when a config file is used.
     */
    public Optional<String> notice() {
        if (!localOnly) {
            return Optional.empty();
        }
        ListenerConfig listener = config.listeners().get(0);
        String address = listener.port() == 0
                ? listener.bind() + " on a free port"
                : listener.bind() + ":" + listener.port();
        String who = isLoopback(listener.bind())
                ? "loopback only, anonymous clients allowed"
                : "anonymous clients allowed from any host that can reach it";
        return Optional.of("No config file: listening on " + address + " (" + who + ")."
                + " To accept remote clients, copy magpie.example.yaml, edit it and run:"
                + " bin/magpie serve --config magpie.yaml");
    }

    /** Literal check only: resolving a host name here would make the notice depend on DNS. */
    static boolean isLoopback(String bind) {
        return bind.equals("localhost") || bind.startsWith("127.") || bind.equals("::1") || bind.equals("[::1]");
    }
}
