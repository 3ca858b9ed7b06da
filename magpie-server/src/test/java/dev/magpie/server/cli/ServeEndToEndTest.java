package dev.magpie.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.magpie.Broker;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code magpie serve} run in-process through {@link ServeCommand#start}: the same flags, config file,
 * environment and start-up as the program, with real listeners on loopback free ports and real clients
 * (mosquitto_pub, Paho), but stopped by the test instead of a signal. What needs a separate process (exit
 * status, SIGTERM, the JVM's own environment) is in {@link ServeProcessTest}.
 */
class ServeEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<ServeCommand.Running> running = new ArrayList<>();
    private final List<MqttClient> pahoClients = new ArrayList<>();
    private final MosquittoClients mosquitto = new MosquittoClients();
    private final StringWriter stderr = new StringWriter();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger magpieLogger = (Logger) LoggerFactory.getLogger(LogLevels.MAGPIE_LOGGER);
    private ServerSocket taken;

    @BeforeEach
    void captureLogs() {
        logs.start();
        magpieLogger.addAppender(logs);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (MqttClient client : pahoClients) {
            try {
                client.disconnectForcibly(0, 100, false);
            } catch (MqttException alreadyGone) {
                // the broker may have closed it already
            }
            client.close(true);
        }
        mosquitto.close();
        running.forEach(ServeCommand.Running::close);
        if (taken != null) {
            taken.close();
        }
        magpieLogger.detachAppender(logs);
        magpieLogger.setLevel(Level.INFO); // start() set the level of the whole test JVM
    }

    /** {@code magpie serve ARGS --data-dir DIR} with {@code env} as its environment, started in-process. */
    private Broker serve(Map<String, String> env, String... args) throws ServeCommand.StartException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", dir.resolve("data").toString()));
        ServeCommand serve = new ServeCommand(env);
        new CommandLine(serve).parseArgs(all.toArray(String[]::new));
        ServeCommand.Running started = serve.start(new PrintWriter(stderr, true));
        running.add(started);
        return started.broker();
    }

    private Path config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("magpie.yaml"), yaml);
    }

    private List<String> logLines() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private MqttClient paho(int port, String clientId) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        pahoClients.add(client);
        return client;
    }

    private int takenPort() throws IOException {
        taken = new ServerSocket();
        taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return taken.getLocalPort();
    }

    @ParameterizedTest(name = "mosquitto_pub -V {0}")
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void aConfigWithoutAnonymousAccessRefusesAnAnonymousClient(String version) throws Exception {
        Broker broker = serve(Map.of(), "--config", config("""
                listeners:
                  - name: tcp
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: false
                """).toString());

        MosquittoClients.Result pub = mosquitto.publish(broker.port("tcp"), "-V", version, "-t", "e2e/t", "-m", "x");

        assertThat(pub.exitStatus()).as(pub.output()).isNotZero();
        assertThat(pub.output()).containsAnyOf("not authorised", "Connection Refused", "Not authorized");
        assertThat(stderr.toString()).as("no local-only notice with a config file").isEmpty();
    }

    @Test
    void twoListenersOnPortZeroLogTwoDifferentPortsAndBothAcceptClients() throws Exception {
        Broker broker = serve(Map.of(), "--config", config("""
                listeners:
                  - name: first
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                  - name: second
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                """).toString());

        List<Matcher> accepting = logLines().stream().map(ServeProcess.ACCEPTING::matcher).filter(Matcher::find).toList();
        assertThat(accepting).extracting(m -> m.group(1)).containsExactly("first", "second");
        assertThat(accepting).extracting(m -> Integer.parseInt(m.group(4)))
                .containsExactly(broker.port("first"), broker.port("second"))
                .doesNotHaveDuplicates()
                .allSatisfy(port -> assertThat(port).isPositive());
        assertThat(logLines()).noneMatch(l -> l.contains(" bound to ")); // the broker's line only, not a second one

        for (String listener : List.of("first", "second")) {
            MosquittoClients.Result pub = mosquitto.publish(broker.port(listener), "-t", "e2e/" + listener, "-m", "x");
            assertThat(pub.exitStatus()).as(listener + ": " + pub.output()).isZero();
        }
    }

    @Test
    void theEnvironmentOverridesTheFilesPortAndPortFlagOverridesTheEnvironment() throws Exception {
        int port = takenPort(); // a start that used this port would fail
        Path file = config("""
                listeners:
                  - name: tcp
                    bind: 127.0.0.1
                    port: %d
                    allow_anonymous: true
                """.formatted(port));

        Broker envWins = serve(Map.of("MAGPIE_LISTENERS_0_PORT", "0"), "--config", file.toString());
        assertThat(envWins.port("tcp")).isPositive().isNotEqualTo(port);
        envWins.stop();

        Broker flagWins = serve(Map.of("MAGPIE_LISTENERS_0_PORT", String.valueOf(port)), "--config", file.toString(),
                "--port", "0");
        assertThat(flagWins.port("tcp")).isPositive().isNotEqualTo(port);
        flagWins.stop(); // one broker per data directory (magpie.lock): the next start must not meet this one's lock

        assertThatThrownBy(() -> serve(Map.of("MAGPIE_LISTENERS_0_PORT", String.valueOf(port)), "--config", file.toString()))
                .as("the environment's port is the one bound")
                .isInstanceOf(ServeCommand.StartException.class)
                .hasMessageStartingWith("cannot start: ")
                .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void maxPacketSizeIsAdvertisedAndAPahoV5PublishOverItClosesTheConnection() throws Exception {
        Broker broker = serve(Map.of(), "--port", "0", "--config", config("""
                listeners:
                  - bind: 127.0.0.1
                    allow_anonymous: true
                limits:
                  max_packet_size: 1024
                """).toString());
        MqttClient client = paho(broker.port("tcp"), "e2e-big");

        // [MQTT-3.2.2-15]: the CONNACK tells the client the limit (Paho 1.2.5 sends the 2 KiB packet anyway)
        assertThat(client.connectWithResult(new MqttConnectionOptions()).getResponseProperties().getMaximumPacketSize())
                .isEqualTo(1024L);
        assertThatThrownBy(() -> client.publish("e2e/big", new MqttMessage(new byte[2048], 1, false, null)))
                .isInstanceOf(MqttException.class);

        await().atMost(WAIT).until(() -> !client.isConnected());
        assertThat(logLines()).anyMatch(l -> l.contains("client e2e-big")
                && l.contains("exceeds the maximum packet size of 1024 bytes"));
    }

    @Test
    void aPacketOverMaxPacketSizeFromAClientThatIgnoresTheLimitIsAnsweredWithDisconnect0x95() throws Exception {
        Broker broker = serve(Map.of(), "--port", "0", "--config", config("""
                listeners:
                  - bind: 127.0.0.1
                    allow_anonymous: true
                limits:
                  max_packet_size: 1024
                """).toString());

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), broker.port("tcp"))) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(new byte[]{
                    0x10, 16,                          // CONNECT, remaining length 16
                    0, 4, 'M', 'Q', 'T', 'T', 5,       // protocol name, level 5
                    0x02, 0, 60,                       // clean start, keep-alive 60 s
                    0,                                 // no properties
                    0, 3, 'r', 'a', 'w'});             // client id "raw"
            assertThat(in.readUnsignedByte()).as("CONNACK").isEqualTo(0x20);
            byte[] connack = new byte[readRemainingLength(in)];
            in.readFully(connack);
            assertThat(connack[1]).as("CONNACK reason").isZero();

            ByteArrayOutputStream publish = new ByteArrayOutputStream();
            publish.write(new byte[]{
                    0x30, (byte) 0x86, 0x10,           // PUBLISH QoS 0, remaining length 2054 (variable byte integer)
                    0, 3, 'b', 'i', 'g',               // topic "big"
                    0});                               // no properties
            publish.write(new byte[2048]);             // 2 KiB payload: 2057 bytes in all, limit 1024
            out.write(publish.toByteArray());

            assertThat(in.readUnsignedByte()).as("DISCONNECT").isEqualTo(0xE0);
            byte[] disconnect = new byte[readRemainingLength(in)];
            in.readFully(disconnect);
            assertThat(disconnect[0] & 0xFF).as("reason: Packet too large").isEqualTo(0x95);
            assertThat(endOfStream(in)).as("then the connection is closed").isTrue();
        }
    }

    /**
     * True once the peer has closed: an orderly end of stream, or a reset. A reset is what TCP sends when a
     * socket is closed with input still unread, here the rest of the oversized PUBLISH.
     */
    private static boolean endOfStream(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException reset) {
            return reset.getMessage().contains("reset");
        }
    }

    private static int readRemainingLength(InputStream in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int b = in.read();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed remaining length");
    }

    @ParameterizedTest(name = "--log-level {0}")
    @ValueSource(strings = {"info", "warn"})
    void logLevelDecidesWhetherTheBrokersInfoLinesAreShown(String level) throws Exception {
        Broker broker = serve(Map.of(), "--port", "0", "--log-level", level);
        MqttClient client = paho(broker.port("tcp"), "e2e-log-" + level);
        client.connect(new MqttConnectionOptions());
        client.subscribe("e2e/sync", 1); // SUBACK comes after the broker admitted the client and logged it

        List<String> brokerInfo = logs.list.stream()
                .filter(e -> e.getLevel() == Level.INFO && e.getLoggerName().startsWith("dev.magpie.protocol"))
                .map(ILoggingEvent::getFormattedMessage).toList();
        if (level.equals("info")) {
            assertThat(brokerInfo).anyMatch(l -> l.contains("client e2e-log-info") && l.contains("connected"));
            assertThat(logLines()).anyMatch(l -> l.contains("accepting MQTT on 127.0.0.1:" + broker.port("tcp")));
        } else {
            assertThat(brokerInfo).isEmpty();
            assertThat(logs.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.INFO) && !e.getLevel().isGreaterOrEqual(Level.WARN));
        }
    }
}
