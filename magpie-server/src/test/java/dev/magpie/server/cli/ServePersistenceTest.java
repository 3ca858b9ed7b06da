package dev.magpie.server.cli;

import dev.magpie.Broker;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code magpie serve} keeps retained messages in {@code <data_dir>/magpie.db} across a restart (the
 * {@code persistence:} section, on by default), keeps nothing with {@code enabled: false}, and refuses to start
 * on a damaged file with a message naming it.
 */
class ServePersistenceTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private ServeCommand.Running serve(String yaml) throws Exception {
        Path config = Files.writeString(dir.resolve("magpie.yaml"), yaml);
        ServeCommand serve = new ServeCommand(Map.of());
        new CommandLine(serve).parseArgs("--config", config.toString(), "--data-dir", dir.resolve("data").toString());
        ServeCommand.Running running = serve.start(new PrintWriter(new StringWriter(), true));
        opened.add(running);
        return running;
    }

    private static final String LOCAL = """
            listeners:
              - bind: 127.0.0.1
                port: 0
                allow_anonymous: true
            """;

    private MqttClient paho(Broker broker, String clientId) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.port("tcp"), clientId, new MemoryPersistence());
        client.connect();
        opened.add(() -> {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        });
        return client;
    }

    private MqttMessage firstRetained(Broker broker, String filter) throws Exception {
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttClient sub = paho(broker, "sub-" + System.nanoTime());
        sub.subscribe(new MqttSubscription[]{new MqttSubscription(filter, 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[]{(topic, m) -> received.add(m)});
        return received.poll(2, TimeUnit.SECONDS);
    }

    private void retain(Broker broker, String topic, String text) throws Exception {
        MqttMessage m = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        m.setRetained(true);
        paho(broker, "pub-" + System.nanoTime()).publish(topic, m); // returns after PUBACK
    }

    @Test
    void aRetainedMessageOutlivesARestartOfServe_MQTT_3_3_1_6() throws Exception {
        ServeCommand.Running first = serve(LOCAL);
        retain(first.broker(), "status/line", "up");
        first.close();

        MqttMessage got = firstRetained(serve(LOCAL).broker(), "status/#");

        assertThat(got).isNotNull();
        assertThat(new String(got.getPayload(), StandardCharsets.UTF_8)).isEqualTo("up");
        assertThat(got.isRetained()).isTrue();
        assertThat(dir.resolve("data").resolve("magpie.db")).exists();
    }

    @Test
    void persistenceOffKeepsNothing() throws Exception {
        String off = LOCAL + "persistence:\n  enabled: false\n";
        ServeCommand.Running first = serve(off);
        retain(first.broker(), "status/line", "up");
        first.close();

        assertThat(firstRetained(serve(off).broker(), "status/#")).isNull();
    }

    @Test
    void aDamagedDatabaseFileStopsTheStartWithItsName() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.write(data.resolve("magpie.db"), "not a database ".repeat(100).getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> serve(LOCAL + "security:\n  users: none\n"))
                .isInstanceOf(ServeCommand.StartException.class)
                .hasMessageContaining(data.resolve("magpie.db").toAbsolutePath().normalize().toString())
                .hasMessageContaining("restore a backup");
    }
}
