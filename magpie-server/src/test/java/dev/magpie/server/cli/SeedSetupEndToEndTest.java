package dev.magpie.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.magpie.testkit.PahoOptions;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The README story of the seed setup, with real clients: {@code magpie user add test --password 123456
 * --data-dir D}, then {@code magpie serve --config examples/seed/magpie.yaml --data-dir D} (on a free loopback
 * port): anonymous and wrong passwords are refused, {@code test} uses {@code /public/#} and {@code /users/test/#}
 * and nothing else, {@code alice} cannot read {@code test}'s subtree, and an edited {@code acl.conf} takes effect
 * while the broker runs.
 */
class SeedSetupEndToEndTest {

    private static final Path SEED = Path.of("..", "examples", "seed");
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int REFUSED = 0x80;

    @TempDir
    Path dir;

    private Path data;
    private final List<ServeCommand.Running> running = new ArrayList<>();
    private final List<MqttClient> clients = new ArrayList<>();
    private final MosquittoClients mosquitto = new MosquittoClients();
    private final StringWriter stderr = new StringWriter();

    @BeforeEach
    void addUsers() {
        data = dir.resolve("D");
        magpie("user", "add", "test", "--password", "123456", "--data-dir", data.toString());
        magpie("user", "add", "alice", "--password", "alice-pw", "--data-dir", data.toString());
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (MqttClient client : clients) {
            try {
                client.disconnectForcibly(0, 100);
            } catch (MqttException alreadyGone) {
                // refused or closed by the broker
            }
            client.close(true);
        }
        mosquitto.close();
        running.forEach(ServeCommand.Running::close);
        ((Logger) LoggerFactory.getLogger(LogLevels.MAGPIE_LOGGER)).setLevel(Level.INFO);
    }

    /** {@code magpie ARGS} in-process; must succeed. */
    private static void magpie(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = MagpieCommand.newCommandLine(Map.of());
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        assertThat(cli.execute(args)).as(err.toString()).isZero();
    }

    /** {@code magpie serve --config CONFIG --data-dir D --port 0 --bind 127.0.0.1}, started in-process. */
    private int serve(Path config, Map<String, String> env) throws ServeCommand.StartException {
        ServeCommand serve = new ServeCommand(env);
        new CommandLine(serve).parseArgs("--config", config.toString(), "--data-dir", data.toString(),
                "--port", "0", "--bind", "127.0.0.1");
        ServeCommand.Running started = serve.start(new PrintWriter(stderr, true));
        running.add(started);
        return started.broker().port("tcp");
    }

    private int serveSeed() throws ServeCommand.StartException {
        return serve(SEED.resolve("magpie.yaml"), Map.of());
    }

    private MqttClient connect(int port, String clientId, String user, String password) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        clients.add(client);
        MqttConnectOptions options = PahoOptions.v3();
        options.setCleanSession(true);
        options.setConnectionTimeout(10);
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        client.connect(options);
        return client;
    }

    private static int[] subscribe(MqttClient client, String... filters) throws MqttException {
        int[] qos = new int[filters.length];
        java.util.Arrays.fill(qos, 1);
        IMqttToken token = client.subscribeWithResponse(filters, qos);
        return token.getGrantedQos();
    }

    @Test
    void anonymousClientsAndWrongPasswordsAreRefused() throws Exception {
        int port = serveSeed();

        MosquittoClients.Result anonymous = mosquitto.publish(port, "-t", "/public/x", "-m", "hi");
        MosquittoClients.Result wrong = mosquitto.publish(port, "-u", "test", "-P", "654321", "-t", "/public/x", "-m", "hi");
        MosquittoClients.Result unknown = mosquitto.publish(port, "-u", "nobody", "-P", "123456", "-t", "/public/x", "-m", "hi");
        MosquittoClients.Result right = mosquitto.publish(port, "-u", "test", "-P", "123456", "-t", "/public/x", "-m", "hi");

        assertThat(anonymous.exitStatus()).as(anonymous.output()).isNotZero();
        assertThat(anonymous.output()).containsAnyOf("not authorised", "Not authorized");
        assertThat(wrong.exitStatus()).as(wrong.output()).isNotZero();
        assertThat(unknown.exitStatus()).as(unknown.output()).isNotZero();
        assertThat(right.exitStatus()).as(right.output()).isZero();
        assertThatThrownBy(() -> connect(port, "paho-wrong", "test", "nope")).isInstanceOf(MqttException.class);
    }

    @Test
    void testPublishesAndSubscribesUnderPublicAndItsOwnSubtree() throws Exception {
        int port = serveSeed();
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient test = connect(port, "paho-test", "test", "123456");
        test.setCallback(new Collector(received));

        assertThat(subscribe(test, "/public/x", "/users/test/x")).containsExactly(1, 1);
        assertThat(mosquitto.publish(port, "-u", "test", "-P", "123456", "-q", "1", "-t", "/public/x", "-m", "one").exitStatus()).isZero();
        assertThat(mosquitto.publish(port, "-u", "test", "-P", "123456", "-q", "1", "-t", "/users/test/x", "-m", "two").exitStatus()).isZero();

        await().atMost(WAIT).until(() -> received.containsAll(List.of("/public/x=one", "/users/test/x=two")));

        // and mosquitto_sub as test receives what test publishes to its own subtree
        Process sub = mosquitto.subscribe(port, "-u", "test", "-P", "123456", "-t", "/users/test/#", "-C", "1", "-W", "15", "-v");
        await().atMost(WAIT).until(() -> {
            test.publish("/users/test/y", "three".getBytes(StandardCharsets.UTF_8), 1, false);
            return sub.getInputStream().available() > 0;
        });
        assertThat(MosquittoClients.finish(sub).output()).contains("/users/test/y three");
    }

    @Test
    void testCannotSubscribeToAnotherUsersSubtreeOrToEverything() throws Exception {
        int port = serveSeed();
        MqttClient test = connect(port, "paho-test", "test", "123456");

        assertThat(subscribe(test, "/users/other/#", "#", "/users/+/x")).containsExactly(REFUSED, REFUSED, REFUSED);
    }

    @Test
    void aliceCannotReadTestsSubtree() throws Exception {
        int port = serveSeed();
        MqttClient alice = connect(port, "paho-alice", "alice", "alice-pw");
        List<String> received = new CopyOnWriteArrayList<>();
        alice.setCallback(new Collector(received));

        assertThat(subscribe(alice, "/users/test/#", "/public/#")).containsExactly(REFUSED, 1);
        MosquittoClients.Result denied = MosquittoClients.finish(mosquitto.subscribe(port, "-u", "alice", "-P", "alice-pw",
                "-t", "/users/test/#", "-W", "5"));
        assertThat(denied.output()).contains("denied");

        mosquitto.publish(port, "-u", "test", "-P", "123456", "-q", "1", "-t", "/users/test/secret", "-m", "private");
        mosquitto.publish(port, "-u", "test", "-P", "123456", "-q", "1", "-t", "/public/news", "-m", "hello");
        await().atMost(WAIT).until(() -> received.contains("/public/news=hello"));
        assertThat(received).doesNotContain("/users/test/secret=private");
    }

    @Test
    void anEditedAclFileChangesDecisionsWhileTheBrokerRuns() throws Exception {
        Path config = Files.copy(SEED.resolve("magpie.yaml"), dir.resolve("magpie.yaml"));
        Path acl = Files.copy(SEED.resolve("acl.conf"), dir.resolve("acl.conf"));
        int port = serve(config, Map.of("MAGPIE_SECURITY_RELOAD_INTERVAL", "200ms"));
        MqttClient test = connect(port, "paho-test", "test", "123456");
        assertThat(subscribe(test, "/extra/x")).containsExactly(REFUSED);

        Files.writeString(acl, Files.readString(acl) + "pattern read /extra/#\n");

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> subscribe(test, "/extra/x")[0] == 1);
    }

    @Test
    void aMalformedAclStopsStartUpWithFileAndLineAndExitStatus2() throws Exception {
        Path config = Files.copy(SEED.resolve("magpie.yaml"), dir.resolve("magpie.yaml"));
        Files.writeString(dir.resolve("acl.conf"), "pattern readwrite /public/#\npattern readwrite /users/x%u/#\n");

        assertThatThrownBy(() -> serve(config, Map.of()))
                .isInstanceOfSatisfying(ServeCommand.StartException.class, e -> {
                    assertThat(e.exitStatus()).isEqualTo(2);
                    assertThat(e.getMessage()).startsWith("acl_file " + dir.resolve("acl.conf") + ":2: ");
                });
    }

    /** Records "topic=payload" of every message. */
    private record Collector(List<String> into) implements org.eclipse.paho.client.mqttv3.MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
            into.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
        }
    }
}
