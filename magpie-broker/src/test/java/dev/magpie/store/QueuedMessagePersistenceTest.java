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
import org.junit.jupiter.api.Test;

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
import static org.awaitility.Awaitility.await;

/**
 * QoS 1/2 messages of persistent sessions outlive the broker: queued ones are delivered on resume, in-flight
 * ones are sent again with DUP set (PUBREL for those past PUBREC) [MQTT-4.4.0-1], and a QoS 2 message whose
 * PUBREL had not arrived is not routed a second time when its publisher resends it [MQTT-4.3.3-9]. A broker
 * started on the file of one that is still running (what a kill -9 leaves: nothing flushed at stop) finds what
 * was committed.
 */
class QueuedMessagePersistenceTest extends BrokerRestartTest {
    @Test
    void messagesQueuedForAnOfflineSessionAreDeliveredInOrderAfterARestart_MQTT_3_1_2_5() {
        Broker first = startOnDir();
        RawMqttClient sub = client(first, "queued", false, PERSISTENT, false);
        subscribe(sub, "q/#", 2);
        disconnect(sub);
        publishFrom(first, "q/one", 1, "a", "b");
        publishFrom(first, "q/two", 2, "c");
        first.stop();

        Broker second = startOnDir();
        RawMqttClient back = client(second, "queued", false, PERSISTENT, true);

        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Publish p = back.receive(Publish.class, WAIT);
            got.add(text(p) + "@" + p.qos());
            if (p.qos() == 1) {
                back.send(PubResponse.of(PacketType.PUBACK, p.packetId()));
            } else {
                back.send(PubResponse.of(PacketType.PUBREC, p.packetId()));
                assertThat(back.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREL);
                back.send(PubResponse.of(PacketType.PUBCOMP, p.packetId()));
            }
        }
        // [MQTT-4.6.0-6] ordered per topic as published; the QoS each was published with
        assertThat(got).containsExactly("a@1", "b@1", "c@2");
        assertThat(back.publishWithin(QUIET)).as("no message expected").isEmpty();
    }

    @Test
    void anUnacknowledgedQos1MessageIsResentWithDupAfterARestart_MQTT_4_4_0_1() {
        Broker first = startOnDir();
        RawMqttClient sub = client(first, "inflight", false, PERSISTENT, false);
        subscribe(sub, "f/t", 1);
        publishFrom(first, "f/t", 1, "unacked");
        Publish sent = sub.receive(Publish.class, WAIT);
        assertThat(sent.dup()).isFalse();
        first.stop(); // no PUBACK was sent

        Broker second = startOnDir();
        RawMqttClient back = client(second, "inflight", false, PERSISTENT, true);

        Publish again = back.receive(Publish.class, WAIT);
        assertThat(text(again)).isEqualTo("unacked");
        assertThat(again.dup()).as("DUP on a resend [MQTT-3.3.1-1]").isTrue();
        assertThat(again.packetId()).as("the same packet id").isEqualTo(sent.packetId());
        back.send(PubResponse.of(PacketType.PUBACK, again.packetId()));
        assertThat(back.publishWithin(QUIET)).as("no message expected").isEmpty();
    }

    @Test
    void aQos2MessagePastPubrecGetsItsPubrelAgainAfterARestart_MQTT_4_4_0_1() {
        Broker first = startOnDir();
        RawMqttClient sub = client(first, "pubrel", false, PERSISTENT, false);
        subscribe(sub, "r/t", 2);
        publishFrom(first, "r/t", 2, "twice?");
        Publish sent = sub.receive(Publish.class, WAIT);
        sub.send(PubResponse.of(PacketType.PUBREC, sent.packetId()));
        assertThat(sub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREL);
        first.stop(); // no PUBCOMP was sent

        Broker second = startOnDir();
        RawMqttClient back = client(second, "pubrel", false, PERSISTENT, true);

        PubResponse rel = back.receive(PubResponse.class, WAIT);
        assertThat(rel.type()).isEqualTo(PacketType.PUBREL);
        assertThat(rel.packetId()).isEqualTo(sent.packetId());
        back.send(PubResponse.of(PacketType.PUBCOMP, rel.packetId()));
        assertThat(back.publishWithin(QUIET)).as("no message expected").isEmpty(); // the message itself is not sent again
    }

    @Test
    void aQos2PublishAwaitingPubrelIsNotRoutedTwiceAfterARestart_MQTT_4_3_3_9() {
        Broker first = startOnDir();
        RawMqttClient watcher = client(first, "watcher", false, PERSISTENT, false);
        subscribe(watcher, "once/t", 1);
        RawMqttClient pub = client(first, "sender", false, PERSISTENT, false);
        pub.send(publish("once/t", 2, 42, "exactly once"));
        assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
        Publish first1 = watcher.receive(Publish.class, WAIT);
        watcher.send(PubResponse.of(PacketType.PUBACK, first1.packetId()));
        first.stop(); // the sender never sent PUBREL

        Broker second = startOnDir();
        RawMqttClient watcherBack = client(second, "watcher", false, PERSISTENT, true);
        RawMqttClient again = client(second, "sender", false, PERSISTENT, true);
        again.send(new Publish("once/t", 2, false, true, 42, "exactly once".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
        assertThat(again.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
        again.send(PubResponse.of(PacketType.PUBREL, 42));
        assertThat(again.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBCOMP);

        assertThat(watcherBack.publishWithin(QUIET)).as("no message expected").isEmpty();
    }

    @Test
    void whatWasCommittedSurvivesABrokerThatNeverStopped() throws Exception {
        Broker crashed = startOnDir();
        RawMqttClient sub = client(crashed, "survivor", false, PERSISTENT, false);
        subscribe(sub, "k/t", 1);
        publishFrom(crashed, "k/t", 1, "in flight");
        Publish sent = sub.receive(Publish.class, WAIT);
        await().atMost(WAIT).until(() -> committed("SELECT count(*) FROM session_messages WHERE client_id = 'survivor'") == 1);

        // what a kill -9 leaves: the files as they are while the broker runs (nothing flushed at a stop), opened by a
        // second broker in another directory (the first one holds this directory's lock, as a live broker does)
        Path image = crashImage();
        Broker restarted = start(TestBrokers.anonymous().dataDirectory(image));
        RawMqttClient back = client(restarted, "survivor", false, PERSISTENT, true);

        Publish again = back.receive(Publish.class, WAIT);
        assertThat(text(again)).isEqualTo("in flight");
        assertThat(again.dup()).isTrue();
        assertThat(again.packetId()).isEqualTo(sent.packetId());
    }

    @Test
    void aCompletedDeliveryLeavesNothingBehind() throws Exception {
        Broker broker = startOnDir();
        RawMqttClient sub = client(broker, "tidy", false, PERSISTENT, false);
        subscribe(sub, "t/t", 1);
        publishFrom(broker, "t/t", 1, "x");
        Publish p = sub.receive(Publish.class, WAIT);
        sub.send(PubResponse.of(PacketType.PUBACK, p.packetId()));
        publishFrom(broker, "t/marker", 1, "done"); // queued behind the PUBACK's write
        broker.stop();

        assertThat(committed("SELECT count(*) FROM session_messages")).isZero();
        assertThat(committed("SELECT count(*) FROM sessions WHERE client_id = 'tidy'")).isEqualTo(1);
    }
}
