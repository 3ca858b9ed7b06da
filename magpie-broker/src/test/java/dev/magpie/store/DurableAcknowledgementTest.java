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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With durable acknowledgements the PUBACK/PUBREC to a publisher [MQTT-4.3.2-2], [MQTT-4.3.3-2] is sent only once
 * what the message caused is committed: read from another connection the moment the acknowledgement arrives, the
 * file already holds it. Without a file the acknowledgement still comes.
 */
class DurableAcknowledgementTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private Broker start(Broker.Builder builder) {
        Broker broker = builder.durableAcknowledgements(true).build().start();
        opened.add(broker::stop);
        return broker;
    }

    private RawMqttClient client(Broker broker, String clientId, MqttProperties properties) {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port("tcp"));
        opened.add(c);
        c.send(new Connect(MqttVersion.V5, clientId, false, 60, null, null, null, properties));
        assertThat(c.receive(ConnAck.class, WAIT).reasonCode()).isZero();
        return c;
    }

    private long committed(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("magpie.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void offlineSubscriber(Broker broker, String clientId, String filter) {
        RawMqttClient sub = client(broker, clientId, MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 600).build());
        sub.send(new Subscribe(1, List.of(Subscription.of(filter, 2)), MqttProperties.EMPTY));
        sub.receive(SubAck.class, WAIT);
        sub.send(new Disconnect(0, MqttProperties.EMPTY));
        assertThat(sub.awaitClosed(WAIT)).isTrue();
    }

    @Test
    void thePubackComesAfterTheQueuedCopyIsCommitted_MQTT_4_3_2_2() throws Exception {
        Broker broker = start(TestBrokers.anonymous().dataDirectory(dir));
        offlineSubscriber(broker, "away", "d/#");
        RawMqttClient pub = client(broker, "pub", MqttProperties.EMPTY);

        for (int i = 1; i <= 5; i++) {
            pub.send(new Publish("d/t", 1, false, false, i, ("m" + i).getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
            assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBACK);
            assertThat(committed("SELECT count(*) FROM session_messages WHERE client_id = 'away'"))
                    .as("copies committed when PUBACK %d arrived", i).isEqualTo(i);
        }
    }

    @Test
    void thePubrecComesAfterTheRetainedMessageAndQueuedCopyAreCommitted_MQTT_4_3_3_2() throws Exception {
        Broker broker = start(TestBrokers.anonymous().dataDirectory(dir));
        offlineSubscriber(broker, "away2", "r/#");
        RawMqttClient pub = client(broker, "pub2", MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 60).build());

        pub.send(new Publish("r/t", 2, true, false, 9, "kept".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
        assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);

        assertThat(committed("SELECT count(*) FROM retained WHERE topic = 'r/t'")).isEqualTo(1);
        assertThat(committed("SELECT count(*) FROM session_messages WHERE client_id = 'away2'")).isEqualTo(1);
        // the publisher's session is persistent too: its packet id awaiting PUBREL is committed [MQTT-4.3.3-9]
        assertThat(committed("SELECT count(*) FROM inbound_qos2 WHERE client_id = 'pub2'")).isEqualTo(1);
    }

    @Test
    void withAStoreWithoutFilesThePubackStillComes() {
        Broker broker = start(TestBrokers.anonymous().store(MessageStore.inMemory()));
        RawMqttClient pub = client(broker, "pub3", MqttProperties.EMPTY);

        pub.send(new Publish("m/t", 1, false, false, 1, "x".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));

        assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBACK);
    }
}
