package dev.magpie.server.cli;

import dev.magpie.codec.Publish;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.TopicSyntax;
import dev.magpie.server.client.ClientConnection;
import dev.magpie.server.client.ClientFailure;
import dev.magpie.server.client.ClientLogin;
import dev.magpie.server.client.Endpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code magpie sub}: subscribes to one or more topic filters and prints each message's payload (with {@code -v}
 * its topic first) until {@code -C} messages came, {@code -W} seconds passed or it is stopped; {@code mosquitto_sub}'s
 * option names. A refused subscription is printed with the SUBACK's reason code in words.
 *
 * <p>Payloads are written to standard output as bytes, as they came (binary ones too), one per line.
 */
@Command(name = "sub",
        versionProvider = MagpieCommand.Version.class,
        sortOptions = false,
        headerHeading = "%n",
        header = "Subscribe to topics on an MQTT broker and print the messages (mosquitto_sub's options).",
        description = {
                "%nConnects (TCP, TLS, WebSocket), subscribes to every -t filter in one SUBSCRIBE and prints the"
                        + " payload of each message on its own line (-v: 'TOPIC PAYLOAD'). Ends after -C messages, at"
                        + " -W seconds (exit status 4), or on Ctrl-C. A subscription the broker refuses ends the run"
                        + " with the SUBACK's reason in words (exit status 1)."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {ClientExit.HELP_OK, ClientExit.HELP_REFUSED, ClientExit.HELP_USAGE, ClientExit.HELP_NETWORK,
                ClientExit.HELP_TIMEOUT},
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie sub -t 'sensors/#' -v",
                "      every message under sensors/, with its topic, until Ctrl-C",
                "  bin/magpie sub -t greetings -C 1 -W 10",
                "      wait up to 10 s for one message (a deployment check for scripts)",
                "  bin/magpie sub -h mqtt.example.com -p 8883 --cafile ca.crt \\",
                "      --cert me.crt --key me.key -t '#' -v",
                "      mutual TLS",
                "  bin/magpie sub -i reader-1 -c -q 1 -t jobs -x 3600",
                "      a persistent session: messages published while away come on return",
                "",
                "More: docs/operations.md, \"Testing a deployment\"."})
final class SubCommand implements Callable<Integer>, OneLineUsageErrors {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client = new ClientOptions();

    @Option(names = {"-t", "--topic"}, paramLabel = "FILTER", order = 1,
            description = "Topic filter to subscribe to (+ and # wildcards); repeat for several.")
    List<String> filters = new ArrayList<>();

    @Option(names = {"-v", "--verbose"}, order = 2, description = "Print the topic before each payload: 'TOPIC PAYLOAD'.")
    boolean verbose;

    @Option(names = {"-C", "--count"}, paramLabel = "N", order = 3, description = "Exit after N messages.")
    Integer count;

    @Option(names = {"-R", "--no-stale"}, order = 4,
            description = "Do not print retained messages sent because of the subscription (stale ones).")
    boolean skipRetained;

    @Option(names = {"-N", "--no-newline"}, order = 5, description = "Do not end each message with a new line.")
    boolean noNewline;

    @Option(names = {"-E", "--exit-after-subscribe"}, order = 6,
            description = "Exit once subscribed (with -c: leaves a session that collects messages).")
    boolean exitAfterSubscribe;

    @Option(names = "--help", usageHelp = true, order = 90, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, order = 91, description = "Print the version and exit.")
    boolean version;

    private final Map<String, String> environment;
    private final Terminal terminal;

    SubCommand(Map<String, String> environment, Terminal terminal) {
        this.environment = environment;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<String> topics = new ArrayList<>(filters);
            client.urlTopic().ifPresent(topics::add);
            if (topics.isEmpty()) {
                throw new UsageException("-t FILTER is needed (or an mqtt://HOST/FILTER URL)");
            }
            for (String filter : topics) {
                if (!TopicSyntax.isValidTopicFilter(filter)) {
                    throw new UsageException("'" + filter + "' is not a topic filter: # only last and alone in its level,"
                            + " + alone in its level, not empty [MQTT-4.7.1-1]");
                }
            }
            if (count != null && count < 1) {
                throw new UsageException("-C " + count + ": the count is at least 1");
            }
            Endpoint endpoint = client.endpoint();
            ClientLogin login = client.login("magpie-sub-", terminal, environment, false);
            ClientDeadline deadline = new ClientDeadline(client.timeout());
            Printer printer = new Printer(terminal.stdout());
            try (ClientConnection connection = ClientConnection.open(endpoint, login, deadline.forConnecting(),
                    printer::print, client.trace(err))) {
                Thread politeExit = new Thread(connection::close, "magpie-sub-disconnect");
                // Ctrl-C: say DISCONNECT, so the broker logs a normal end rather than a lost connection (and a 5.0
                // session's expiry starts from a clean disconnect)
                Runtime.getRuntime().addShutdownHook(politeExit);
                try {
                    return subscribeAndPrint(connection, topics, printer, deadline);
                } finally {
                    removeHook(politeExit);
                }
            }
        } catch (UsageException | IllegalArgumentException e) { // the latter: a TLS file that cannot be read
            return ClientExit.usage(err, "sub", e.getMessage());
        } catch (ClientFailure e) {
            return ClientExit.report(err, "sub", e);
        } catch (IOException e) {
            return ClientExit.usage(err, "sub", "cannot read " + e.getMessage());
        }
    }

    private int subscribeAndPrint(ClientConnection connection, List<String> topics, Printer printer,
                                  ClientDeadline deadline) throws ClientFailure {
        List<Subscribe.Subscription> subscriptions = topics.stream()
                .map(f -> Subscribe.Subscription.of(f, client.qos)).toList();
        connection.subscribe(subscriptions, deadline.remaining());
        if (exitAfterSubscribe) {
            return ClientExit.OK;
        }
        CompletableFuture<Object> ended = CompletableFuture.anyOf(printer.done, connection.closed());
        try {
            ClientConnection.await(ended, deadline.remaining(), () -> "timed out (" + deadline.describe()
                    + ") after " + printer.printed.get() + (count == null ? "" : " of " + count)
                    + (printer.printed.get() == 1 && count == null ? " message" : " messages"));
        } catch (ClientFailure e) {
            printer.stop(); // nothing more is printed once the outcome is decided
            throw e;
        }
        return ClientExit.OK;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or has run
        }
    }

    /**
     * Writes messages as they come (on the connection's thread) and completes {@link #done} at the -C'th one or
     * when standard output is gone (a closed pipe, as with {@code | head -1}).
     */
    private final class Printer {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final AtomicInteger printed = new AtomicInteger();
        private final OutputStream out;
        private volatile boolean stopped;

        Printer(OutputStream out) {
            this.out = out;
        }

        void print(Publish message) {
            if (stopped || done.isDone() || skipRetained && message.retain()) {
                return;
            }
            try {
                if (verbose) {
                    out.write(message.topic().getBytes(StandardCharsets.UTF_8));
                    out.write(' ');
                }
                out.write(message.payload());
                if (!noNewline) {
                    out.write('\n');
                }
                out.flush();
            } catch (IOException e) {
                done.complete(null);
                return;
            }
            if (out instanceof PrintStream stream && stream.checkError()) {
                done.complete(null);
                return;
            }
            if (count != null && printed.incrementAndGet() >= count) {
                done.complete(null);
            } else if (count == null) {
                printed.incrementAndGet();
            }
        }

        void stop() {
            stopped = true;
        }
    }
}
