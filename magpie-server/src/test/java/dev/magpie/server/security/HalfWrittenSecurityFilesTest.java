package dev.magpie.server.security;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.security.password.PasswordHasher;
import dev.magpie.server.config.ConfigLoader;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.PahoOptions;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10: truncating the ACL file for 2 s during a reload was accepted, and 20 of 60 acknowledged QoS 1
 * deliveries were dropped. Now the emptied ACL and password files are refused with one warning each, the old
 * rules stay, and good clients (one subscribed, one publishing, one logging in meanwhile) keep being served.
 */
class HalfWrittenSecurityFilesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private MqttClient connect(int port, String user, String id) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, id, new MemoryPersistence());
        MqttConnectOptions options = PahoOptions.v3();
        options.setUserName(user);
        options.setPassword("pw".toCharArray());
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(5);
        client.connect(options);
        open.add(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(200, 200);
            }
            client.close(true);
        });
        return client;
    }

    private static void publish(MqttClient publisher, int from, int to) throws MqttException {
        for (int i = from; i < to; i++) {
            publisher.publish("data/n", String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false); // waits for PUBACK
        }
    }

    @Test
    void emptiedAclAndPasswordFilesAreNotLoadedAndGoodClientsKeepBeingServed() throws Exception {
        PasswordHasher hasher = new PasswordHasher(1_000);
        String users = "alice:" + hasher.hash("pw".toCharArray()) + "\nbob:" + hasher.hash("pw".toCharArray()) + "\n"
                + "carol:" + hasher.hash("pw".toCharArray()) + "\n";
        String rules = "user alice\ntopic write data/#\nuser bob\ntopic read data/#\n";
        Path passwd = Files.writeString(dir.resolve("passwd"), users);
        Path acl = Files.writeString(dir.resolve("acl.conf"), rules);
        Path config = Files.writeString(dir.resolve("magpie.yaml"), "data_dir: " + dir.resolve("data") + "\nsecurity:\n"
                + "  users: none\n  password_file: passwd\n  acl_file: acl.conf\n  reload_interval: 100ms\n");
        ServerSecurity security = ServerSecurity.open(new ConfigLoader(Map.of()).load(config));
        open.add(security);
        Broker broker = security.applyTo(Broker.builder().listener(Listener.tcp("127.0.0.1", 0).anonymous(false))).build().start();
        open.add(broker::stop);
        security.startReloading();
        int port = broker.port("tcp");

        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient bob = connect(port, "bob", "bob");
        bob.subscribe("data/#", 1, (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        MqttClient alice = connect(port, "alice", "alice");

        try (LogCapture log = LogCapture.of(SecurityReloader.class)) {
            publish(alice, 0, 20);
            Files.writeString(acl, "");      // truncated, as an editor or `>` leaves it mid-write
            Files.writeString(passwd, "");
            await().atMost(WAIT).until(() -> log.messages().stream().filter(m -> m.contains(" is empty")).count() == 2);
            assertThat(log.messages()).anyMatch(m -> m.startsWith("not reloaded: acl_file " + acl + " is empty"))
                    .anyMatch(m -> m.startsWith("not reloaded: password_file " + passwd + " is empty"));

            publish(alice, 20, 40);
            connect(port, "carol", "carol-logs-in-meanwhile"); // the old users are still in force

            Files.writeString(acl, rules);
            Files.writeString(passwd, users);
            await().atMost(WAIT).until(() -> log.messages().stream().filter(m -> m.startsWith("reloaded ")).count() == 2);
            publish(alice, 40, 60);
            assertThat(log.anyStackTrace()).isFalse();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            expected.add(String.valueOf(i));
        }
        await().atMost(WAIT).until(() -> received.size() >= 60);
        assertThat(received).as("every acknowledged QoS 1 message delivered, in order").isEqualTo(expected);
    }
}
