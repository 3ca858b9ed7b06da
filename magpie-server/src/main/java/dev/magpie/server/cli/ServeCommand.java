package dev.magpie.server.cli;

import dev.magpie.Broker;
import dev.magpie.BrokerException;
import dev.magpie.server.admin.AdminSetup;
import dev.magpie.server.config.BrokerMapping;
import dev.magpie.server.config.ConfigException;
import dev.magpie.server.config.ConfigLoader;
import dev.magpie.server.config.LogLevel;
import dev.magpie.server.dashboard.DashboardRoute;
import dev.magpie.server.security.ServerSecurity;
import dev.magpie.store.UserStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code magpie serve}: runs a broker in the foreground until the process is told to stop.
 *
 * <p>The run is split into a decision ({@link #plan()}, pure and tested), the start ({@link #start}: data
 * directory, notice, broker; the broker itself logs each listener it binds) and the wait ({@link #call()}) for
 * SIGINT/SIGTERM, whose shutdown hook stops the broker gracefully. Failures expected in operation (bad config, port in use)
 * are one line on stderr and an exit status, never a stack trace.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = MagpieCommand.Version.class,
        sortOptions = false,
        headerHeading = "%n",
        header = "Run an MQTT broker in the foreground until stopped (Ctrl-C or SIGTERM).",
        description = {
                "%nWithout --config, listens on 127.0.0.1:1883 only and lets anonymous clients in, so a first run"
                        + " works for local tools and cannot be reached from the network. With --config FILE,"
                        + " listeners (tcp, tls, ws, wss), users, ACL, SCRAM-SHA-256, limits, bans and the data"
                        + " directory come from that YAML file (every key is documented in magpie.example.yaml). MAGPIE_<KEY> environment variables override the file, and the"
                        + " options below override both."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "143:stopped by SIGTERM (130: by Ctrl-C), after a graceful stop",
                "1:could not start (port in use, data directory not writable, ...)",
                "2:invalid config, environment override or option"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie serve",
                "      local-only broker on 127.0.0.1:1883, anonymous clients allowed",
                "  bin/magpie serve --port 0 --data-dir /tmp/magpie",
                "      the same on a free port (the log says which one), state under /tmp/magpie",
                "  cp magpie.example.yaml magpie.yaml && bin/magpie serve --config magpie.yaml",
                "      listeners, security, limits and data directory from a file",
                "  MAGPIE_LISTENERS_0_PORT=1884 bin/magpie serve --config magpie.yaml",
                "      the file, with one key overridden from the environment",
                "  bin/magpie serve --dev",
                "      also MQTT over TLS (8883) and WSS (8443) on loopback, CA in data/certs",
                "  bin/magpie serve --config magpie.yaml --check",
                "      start with the file, try each tcp listener once, stop: 0 if it works",
                "  bin/magpie serve --log-level debug",
                "      log more about what the broker does",
                "",
                "Configuration reference: docs/configuration.md"})
public final class ServeCommand implements Callable<Integer> {

    static final int EXIT_START_FAILED = 1;
    static final int EXIT_CONFIG_ERROR = 2;

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    private final Map<String, String> environment;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file (default: none, which means the local-only setup above).")
    private Path configFile;

    @Option(names = "--port", paramLabel = "N",
            description = "Port of the first tcp listener, 0 for any free port (default: 1883, or the file's).")
    private Integer port;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Address of the first tcp listener, e.g. 0.0.0.0 for all interfaces"
                    + " (default: 127.0.0.1 without --config, else the file's).")
    private String bind;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory for the broker's state, created if missing (default: ./data, or the file's"
                    + " data_dir).")
    private Path dataDir;

    @Option(names = "--dev",
            description = "Development mode: make a CA and a localhost server certificate under <data-dir>/certs on first use"
                    + " and also listen on loopback with MQTT over TLS (--dev-tls-port) and HTTPS/WSS (--dev-wss-port).")
    boolean dev;

    @Option(names = "--dev-tls-port", paramLabel = "N", defaultValue = "8883",
            description = "MQTT over TLS port of --dev (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int devTlsPort = 8883;

    @Option(names = "--dev-wss-port", paramLabel = "N", defaultValue = "8443",
            description = "HTTPS/WSS port of --dev, WebSocket on /mqtt and / (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int devWssPort = 8443;

    @Option(names = "--log-level", paramLabel = "LEVEL", converter = LogLevelConverter.class,
            description = "Level of the dev.magpie loggers: trace, debug, info, warn, error, off (default: info, or the file's"
                    + " log_level).")
    private LogLevel logLevel;

    @Option(names = "--check",
            description = "Start with this configuration, send one MQTT CONNECT to each tcp listener, print the answers,"
                    + " stop and exit: 0 if the broker started (a check for deployment scripts; nothing is left running).")
    boolean check;

    /** @param environment where {@code MAGPIE_…} overrides are read from; {@code System.getenv()} in production */
    public ServeCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * What this invocation will run: config file or local-only defaults, then the environment, then the flags.
     *
     * @throws ConfigException if any of them is invalid
     */
    ServePlan plan() {
        ConfigLoader loader = new ConfigLoader(environment);
        ServePlan plan = configFile == null
                ? ServePlan.withoutConfigFile(loader)
                : ServePlan.fromConfigFile(configFile, loader);
        if (port != null) {
            plan = plan.withPort(port);
        }
        if (bind != null) {
            plan = plan.withBind(bind);
        }
        if (dataDir != null) {
            plan = plan.withDataDir(dataDir);
        }
        if (logLevel != null) {
            plan = plan.withLogLevel(logLevel);
        }
        return plan;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Running running;
        try {
            running = start(err);
        } catch (StartException e) {
            err.println("magpie: " + e.getMessage());
            log.debug("start failure", e);
            return e.exitStatus();
        }
        if (check) {
            StartCheck.run(running.broker(), plan().config().listeners(), spec.commandLine().getOut());
            running.close();
            spec.commandLine().getOut().println("magpie: started and stopped: the configuration works");
            spec.commandLine().getOut().flush();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            running.close();
            LogLevels.drain(); // the JVM halts once the hooks are done: the last lines must be out by then
            stopped.countDown();
        }, "magpie-shutdown"));
        log.info("magpie {} started; stop with Ctrl-C or SIGTERM", MagpieCommand.version());
        stopped.await();
        return 0;
    }

    /**
     * Everything {@link #call()} does before it waits for a signal: decides the plan, applies the log level,
     * creates the data directory, prints the local-only notice to {@code err} and starts the broker, whose
     * listeners log their bound addresses. The caller owns what is returned and must close it; tests use
     * this to run a real {@code serve} in-process and stop it without a signal.
     *
     * @throws StartException with the one line to print and the exit status, if it cannot start
     */
    Running start(PrintWriter err) throws StartException {
        ServePlan plan;
        try {
            plan = plan();
            new ConfigLoader(environment).checkOnThisHost(plan.config(), configFile);
        } catch (ConfigException e) {
            throw new StartException(EXIT_CONFIG_ERROR, e.getMessage(), e);
        }
        LogLevels.apply(plan.config().logLevel());

        Path data = plan.config().dataDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new StartException(EXIT_START_FAILED, "cannot create data directory " + data + ": " + e, e);
        }
        log.info("data directory {}", data);
        plan.notice().ifPresent(err::println);
        err.flush();

        ServerSecurity security;
        try {
            security = ServerSecurity.open(plan.config());
        } catch (ConfigException e) {
            throw new StartException(EXIT_CONFIG_ERROR, e.getMessage(), e);
        } catch (UserStoreException e) {
            throw new StartException(EXIT_START_FAILED, e.getMessage(), e);
        }
        log.info("{}", security.describe());

        AdminSetup admin;
        try {
            admin = AdminSetup.open(plan.config(), security, dev ? DevListeners.WSS_NAME : null, MagpieCommand.version());
        } catch (UserStoreException e) {
            security.close();
            throw new StartException(EXIT_START_FAILED, e.getMessage(), e);
        }
        Broker.Builder builder = admin.registerOn(security.applyTo(BrokerMapping.builderFor(plan.config()), admin.databaseRules()));
        if (dev) {
            DevListeners devListeners = new DevListeners(data, devTlsPort, devWssPort);
            try {
                if (devListeners.ensureCertificates()) {
                    log.info("made a development CA and server certificate in {}", data.resolve("certs"));
                }
            } catch (IOException | RuntimeException e) {
                admin.close();
                security.close();
                throw new StartException(EXIT_START_FAILED, "cannot make development certificates in " + data.resolve("certs") + ": " + e.getMessage(), e);
            }
            devListeners.addTo(builder);
            devListeners.printTrustAdvice(err);
            err.flush();
        }
        DashboardRoute.register(builder, plan.config(), dev ? DevListeners.WSS_NAME : null);
        Broker broker = builder.build();
        admin.attach(broker);
        try {
            broker.start();
        } catch (BrokerException e) {
            broker.stop();
            admin.close();
            security.close();
            throw new StartException(EXIT_START_FAILED, "cannot start: " + e.getMessage(), e);
        }
        security.startReloading();
        admin.announce();
        return new Running(broker, security, admin);
    }

    /** A started {@code serve}: the broker and the security resources behind it; closing stops both. */
    record Running(Broker broker, ServerSecurity security, AdminSetup admin) implements AutoCloseable {
        /** Stops the broker gracefully, then the file polling and the user database. Idempotent. */
        @Override
        public void close() {
            broker.stop();
            admin.close();
            security.close();
        }
    }

    /** Why {@code serve} did not start: the line for stderr (without the "magpie: " prefix) and the exit status. */
    static final class StartException extends Exception {
        private final int exitStatus;

        StartException(int exitStatus, String message, Throwable cause) {
            super(message, cause);
            this.exitStatus = exitStatus;
        }

        int exitStatus() {
            return exitStatus;
        }
    }

    /** Accepts {@code info}, {@code INFO}, ... with the same message as the config file. */
    static final class LogLevelConverter implements ITypeConverter<LogLevel> {
        @Override
        public LogLevel convert(String value) {
            try {
                return LogLevel.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
