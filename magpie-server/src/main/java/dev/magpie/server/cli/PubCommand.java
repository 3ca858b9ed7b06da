package dev.magpie.server.cli;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.TopicSyntax;
import dev.magpie.server.client.Acknowledgement;
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
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;

/**
 * {@code magpie pub}: publishes one message (or one per line of standard input) and exits once the broker has
 * acknowledged it, as {@code mosquitto_pub} does and with its option names, so a deployment can be tested without
 * installing mosquitto-clients. A refusal (a PUBACK or PUBREC failure code in 5.0) is printed in words.
 */
@Command(name = "pub",
        versionProvider = MagpieCommand.Version.class,
        sortOptions = false,
        headerHeading = "%n",
        header = "Publish a message to an MQTT broker (mosquitto_pub's options).",
        description = {
                "%nConnects (TCP, TLS, WebSocket), publishes the message given by -m, -f, -l, -s or -n to -t TOPIC,"
                        + " waits for its PUBACK (QoS 1) or PUBCOMP (QoS 2), disconnects. MQTT 5.0 by default, so a"
                        + " refused publish says why (e.g. 'not authorized (0x87)'); a 3.1.1 broker drops it silently."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {ClientExit.HELP_OK, ClientExit.HELP_REFUSED, ClientExit.HELP_USAGE, ClientExit.HELP_NETWORK,
                ClientExit.HELP_TIMEOUT},
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie pub -t greetings -m hello",
                "      to the broker on localhost:1883 (bin/magpie serve)",
                "  bin/magpie pub -h mqtt.example.com -p 8883 --cafile ca.crt \\",
                "      -u test --ask-password -q 1 -t sensors/1 -m 21.5",
                "      over TLS, logged in, QoS 1",
                "  bin/magpie pub -L wss://localhost:8443/mqtt --cafile data/certs/ca.crt \\",
                "      -t greetings -m hi",
                "      over secure WebSocket to serve --dev",
                "  tail -f app.log | bin/magpie pub -t logs/app -l",
                "      one message per line",
                "",
                "More: docs/operations.md, \"Testing a deployment\"."})
final class PubCommand implements Callable<Integer>, OneLineUsageErrors {

    /** In-flight QoS 1/2 messages at most (mosquitto_pub's -M default), fewer if the broker's Receive Maximum says so. */
    static final int MAX_IN_FLIGHT = 20;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client = new ClientOptions();

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", order = 1,
            description = "Topic to publish to (no wildcards).")
    String topic;

    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", order = 2, description = "The message, as UTF-8.")
    String message;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", order = 3, description = "Send the file's content as the message.")
    Path file;

    @Option(names = {"-l", "--stdin-line"}, order = 4,
            description = "Send each line of standard input as a message (empty lines are skipped).")
    boolean lines;

    @Option(names = {"-s", "--stdin-file"}, order = 5, description = "Send all of standard input as one message.")
    boolean wholeInput;

    @Option(names = {"-n", "--null-message"}, order = 6,
            description = "Send an empty message (with -r: clears the topic's retained message).")
    boolean empty;

    @Option(names = {"-r", "--retain"}, order = 7, description = "Retain the message.")
    boolean retain;

    @Option(names = "--help", usageHelp = true, order = 90, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, order = 91, description = "Print the version and exit.")
    boolean version;

    private final Map<String, String> environment;
    private final Terminal terminal;

    PubCommand(Map<String, String> environment, Terminal terminal) {
        this.environment = environment;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            String target = topic != null ? topic : client.urlTopic()
                    .orElseThrow(() -> new UsageException("-t TOPIC is needed (or an mqtt://HOST/TOPIC URL)"));
            if (!TopicSyntax.isValidTopicName(target)) {
                throw new UsageException("'" + target + "' is not a topic to publish to: no + or #, not empty"
                        + " [MQTT-3.3.2-2]");
            }
            int sources = (message != null ? 1 : 0) + (file != null ? 1 : 0) + (lines ? 1 : 0) + (wholeInput ? 1 : 0)
                    + (empty ? 1 : 0);
            if (sources != 1) {
                throw new UsageException(sources == 0 ? "no message: give -m TEXT, -f FILE, -l, -s or -n"
                        : "give one of -m, -f, -l, -s and -n");
            }
            Endpoint endpoint = client.endpoint();
            ClientLogin login = client.login("magpie-pub-", terminal, environment, lines || wholeInput);
            ClientDeadline deadline = new ClientDeadline(client.timeout());
            byte[] single = lines ? null : payload();
            if (single != null && single.length > ClientConnection.MAX_PACKET_SIZE) {
                throw new UsageException("the message is " + single.length + " bytes; at most "
                        + ClientConnection.MAX_PACKET_SIZE + " are sent");
            }
            try (ClientConnection connection = ClientConnection.open(endpoint, login, deadline.forConnecting(),
                    m -> { }, client.trace(err))) {
                checkBrokerOffers(connection);
                Publisher publisher = new Publisher(connection, target, deadline);
                if (lines) {
                    publishLines(publisher, terminal.stdin());
                } else {
                    publisher.send(single);
                }
                publisher.settleAll();
            }
            return ClientExit.OK;
        } catch (UsageException e) {
            return ClientExit.usage(err, "pub", e.getMessage());
        } catch (IllegalArgumentException e) { // a TLS file that cannot be read
            return ClientExit.usage(err, "pub", e.getMessage());
        } catch (ClientFailure e) {
            return ClientExit.report(err, "pub", e);
        } catch (IOException e) {
            return ClientExit.usage(err, "pub", "cannot read " + e.getMessage());
        }
    }


    /**
     * A 5.0 broker says in CONNACK the highest QoS it takes and whether it keeps retained messages [MQTT-3.2.2-9],
     * [MQTT-3.2.2-13]; a PUBLISH beyond that would be answered with DISCONNECT, so say it before sending.
     */
    private void checkBrokerOffers(ClientConnection connection) throws ClientFailure {
        MqttProperties offers = connection.connAck().properties();
        int maximumQos = offers.integer(PropertyId.MAXIMUM_QOS, 2);
        if (client.qos > maximumQos) {
            throw new ClientFailure(ClientFailure.Kind.REFUSED, "the broker takes QoS " + maximumQos + " at most"
                    + " (CONNACK Maximum QoS); publish with -q " + maximumQos);
        }
        if (retain && offers.integer(PropertyId.RETAIN_AVAILABLE, 1) == 0) {
            throw new ClientFailure(ClientFailure.Kind.REFUSED, "the broker keeps no retained messages (CONNACK Retain"
                    + " Available 0); publish without -r");
        }
    }

    private byte[] payload() throws IOException {
        if (message != null) {
            return message.getBytes(StandardCharsets.UTF_8);
        }
        if (file != null) {
            if (Files.size(file) > ClientConnection.MAX_PACKET_SIZE) {
                throw new UsageException(file + " is larger than " + ClientConnection.MAX_PACKET_SIZE + " bytes");
            }
            return Files.readAllBytes(file);
        }
        if (wholeInput) {
            return terminal.stdin().readNBytes(ClientConnection.MAX_PACKET_SIZE + 1);
        }
        return new byte[0];
    }

    /** Lines without their {@code \n} or {@code \r\n}; empty ones are skipped, as mosquitto_pub -l does. */
    private static void publishLines(Publisher publisher, InputStream in) throws IOException, ClientFailure {
        byte[] line = new byte[8192];
        int length = 0;
        for (int b = in.read(); ; b = in.read()) {
            if (b == -1 || b == '\n') {
                int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                if (end > 0) {
                    publisher.send(Arrays.copyOf(line, end));
                }
                length = 0;
                if (b == -1) {
                    return;
                }
                continue;
            }
            if (length == line.length) {
                if (line.length >= ClientConnection.MAX_PACKET_SIZE) {
                    throw new UsageException("a line on standard input is longer than " + ClientConnection.MAX_PACKET_SIZE
                            + " bytes");
                }
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[length++] = (byte) b;
        }
    }

    /** Sends messages with at most a window of them unacknowledged, and checks each acknowledgement's reason code. */
    private final class Publisher {
        private final ClientConnection connection;
        private final String target;
        private final ClientDeadline deadline;
        private final int window;
        private final Deque<CompletableFuture<Acknowledgement>> pending = new ArrayDeque<>();
        private int settled;

        Publisher(ClientConnection connection, String target, ClientDeadline deadline) {
            this.connection = connection;
            this.target = target;
            this.deadline = deadline;
            this.window = Math.max(1, Math.min(MAX_IN_FLIGHT, connection.receiveMaximum()));
        }

        void send(byte[] payload) throws ClientFailure {
            if (pending.size() >= window) {
                settle(pending.removeFirst());
            }
            pending.addLast(connection.publish(target, client.qos, retain, payload));
        }

        void settleAll() throws ClientFailure {
            while (!pending.isEmpty()) {
                settle(pending.removeFirst());
            }
        }

        private void settle(CompletableFuture<Acknowledgement> acknowledged) throws ClientFailure {
            String ack = client.qos == 0 ? "the write" : client.qos == 1 ? "PUBACK" : "PUBREC/PUBCOMP";
            Acknowledgement answer = ClientConnection.await(acknowledged, deadline.remaining(),
                    () -> "timed out (" + deadline.describe() + ") waiting for " + ack + " of message " + (settled + 1));
            settled++;
            if (answer.refused()) {
                throw new ClientFailure(ClientFailure.Kind.REFUSED, "publish to '" + target + "' refused: "
                        + answer.words());
            }
        }
    }
}
