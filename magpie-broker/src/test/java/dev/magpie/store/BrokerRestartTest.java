package dev.magpie.store;

import dev.magpie.Broker;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frame of the restart tests: brokers started one after another on the same data directory, and every
 * broker and client a test opened closed afterwards, last opened first.
 */
abstract class BrokerRestartTest {
    @TempDir
    Path dir;

    final List<AutoCloseable> opened = new ArrayList<>();
    private int images;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** Starts {@code builder}'s broker, stopped after the test. */
    Broker start(Broker.Builder builder) {
        Broker broker = builder.build().start();
        opened.add(broker::stop);
        return broker;
    }

    /**
     * A copy of the data directory's database files as they are now, with the broker still running: the state a
     * process killed at this moment leaves on disk (committed transactions are in the write-ahead log).
     */
    Path crashImage() throws IOException {
        Path image = Files.createDirectory(dir.resolve("crash-image-" + (++images)));
        for (String name : new String[]{"magpie.db", "magpie.db-wal"}) {
            Path file = dir.resolve(name);
            if (Files.exists(file)) {
                Files.copy(file, image.resolve(name));
            }
        }
        return image;
    }

    static final Duration WAIT = Duration.ofSeconds(5);
    static final Duration QUIET = Duration.ofMillis(400);
    static final MqttProperties PERSISTENT = MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 600).build();

    RawMqttClient client(Broker broker, String clientId, boolean cleanStart, MqttProperties properties, boolean present) {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port("tcp"));
        opened.add(c);
        c.send(new Connect(MqttVersion.V5, clientId, cleanStart, 60, null, null, null, properties));
        ConnAck ack = c.receive(ConnAck.class, WAIT);
        assertThat(ack.reasonCode()).isZero();
        assertThat(ack.sessionPresent()).as("Session Present of %s", clientId).isEqualTo(present);
        return c;
    }

    static void subscribe(RawMqttClient c, String filter, int qos) {
        c.send(new Subscribe(1, List.of(Subscription.of(filter, qos)), MqttProperties.EMPTY));
        assertThat(c.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(qos);
    }

    static Publish publish(String topic, int qos, int packetId, String text) {
        return new Publish(topic, qos, false, false, packetId, text.getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY);
    }

    void publishFrom(Broker broker, String topic, int qos, String... texts) {
        RawMqttClient pub = client(broker, "pub-" + System.nanoTime(), true, MqttProperties.EMPTY, false);
        int id = 1;
        for (String text : texts) {
            pub.send(publish(topic, qos, id, text));
            if (qos == 0) {
                // no acknowledgement: a PINGRESP says the broker has handled what came before it on this connection
                pub.send(dev.magpie.codec.PingReq.INSTANCE);
                pub.receive(dev.magpie.codec.PingResp.class, WAIT);
                continue;
            }
            PubResponse r = pub.receive(PubResponse.class, WAIT);
            if (qos == 2) {
                assertThat(r.type()).isEqualTo(PacketType.PUBREC);
                pub.send(PubResponse.of(PacketType.PUBREL, id));
                assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBCOMP);
            }
            id++;
        }
    }

    static void disconnect(RawMqttClient c) {
        c.send(new Disconnect(0, MqttProperties.EMPTY));
        assertThat(c.awaitClosed(WAIT)).isTrue();
    }

    static String text(Publish p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }

    /** Rows of {@code sql} (a count) in the committed file, read as another process would. */
    long committed(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("magpie.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A persistent session "will-watcher" subscribed to {@code wills/#} at QoS 1, left offline. */
    void leaveAWillWatcher(Broker broker) {
        RawMqttClient watcher = client(broker, "will-watcher", false, PERSISTENT, false);
        subscribe(watcher, "wills/#", 1);
        disconnect(watcher);
    }

    /**
     * Connects {@code clientId} with a persistent session and a QoS 1 will "gone" on {@code wills/<clientId>} delayed
     * by {@code delaySeconds}, and drops its socket without DISCONNECT: the will waits for its delay [MQTT-3.1.3-9].
     */
    void dropWithADelayedWill(Broker broker, String clientId, int delaySeconds) {
        RawMqttClient dying = RawMqttClient.connect("127.0.0.1", broker.port("tcp"));
        MqttProperties willProps = MqttProperties.builder().integer(PropertyId.WILL_DELAY_INTERVAL, delaySeconds).build();
        dying.send(new Connect(MqttVersion.V5, clientId, false, 60, null, null,
                new Connect.Will("wills/" + clientId, "gone".getBytes(StandardCharsets.UTF_8), 1, false, willProps), PERSISTENT));
        assertThat(dying.receive(ConnAck.class, WAIT).reasonCode()).isZero();
        dying.close();
    }

    /** An anonymous broker persisting to the test's data directory. */
    Broker startOnDir() {
        return start(TestBrokers.anonymous().dataDirectory(dir));
    }
}
