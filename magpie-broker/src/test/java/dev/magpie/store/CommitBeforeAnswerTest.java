package dev.magpie.store;

import dev.magpie.Broker;
import dev.magpie.BrokerException;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ConnAck;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * With the defaults (durable acknowledgements), whatever a client has been told is already on disk, so a kill -9
 * at that moment cannot contradict it. Each test takes a {@linkplain #crashImage() crash image} (the files as a
 * killed process leaves them) at the instant the client received an answer, and checks that the image holds the
 * state the answer promised: a SUBACK'd subscription, the in-flight record of a delivered PUBLISH, the PUBCOMP
 * state behind a PUBREL, the release behind a PUBCOMP. Then what a restart on such an image must do with it:
 * restored inbound QoS 2 ids never lock a publisher out, an id the client reused is a new message, delayed wills
 * and messages held for a shared group survive.
 */
class CommitBeforeAnswerTest extends BrokerRestartTest {
    /** Longer than {@link #WAIT}: the will comes after its delay. */
    private static final Duration WILL_WAIT = Duration.ofSeconds(10);

    /** A count over the file of {@code image}, as a restarted broker would read it. */
    private static long inImage(Path image, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + image.resolve("magpie.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Publish publish(String topic, int qos, int packetId, boolean dup, String text) {
        return new Publish(topic, qos, false, dup, packetId, text.getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY);
    }

    @Test
    void aSubscriptionIsOnDiskWhenItsSubackArrives_MQTT_3_8_4_1() throws Exception {
        Broker broker = startOnDir();
        RawMqttClient sub = client(broker, "subscriber", false, PERSISTENT, false);

        subscribe(sub, "s/#", 1);
        Path image = crashImage();

        assertThat(inImage(image, "SELECT count(*) FROM subscriptions WHERE client_id = 'subscriber' AND filter = 's/#'")).isEqualTo(1);
        Broker restarted = start(TestBrokers.anonymous().dataDirectory(image));
        RawMqttClient back = client(restarted, "subscriber", false, PERSISTENT, true);
        publishFrom(restarted, "s/x", 1, "after the crash");
        assertThat(text(back.receive(Publish.class, WAIT))).isEqualTo("after the crash");
    }

    @Test
    void aDeliveredQos1MessageHasItsInflightRecordOnDisk_MQTT_4_4_0_1() throws Exception {
        Broker broker = startOnDir();
        RawMqttClient sub = client(broker, "reader", false, PERSISTENT, false);
        subscribe(sub, "d/t", 1);

        publishFrom(broker, "d/t", 1, "m1");
        Publish got = sub.receive(Publish.class, WAIT);
        Path image = crashImage();

        assertThat(inImage(image, "SELECT count(*) FROM session_messages WHERE client_id = 'reader' AND inflight = 1 AND key = "
                + got.packetId())).isEqualTo(1);
    }

    @Test
    void aPubrelIsSentOnlyOnceThePubrecStateIsOnDisk_MQTT_4_3_3_3() throws Exception {
        Broker broker = startOnDir();
        RawMqttClient sub = client(broker, "q2reader", false, PERSISTENT, false);
        subscribe(sub, "r/t", 2);
        publishFrom(broker, "r/t", 2, "once");
        Publish got = sub.receive(Publish.class, WAIT);

        sub.send(PubResponse.of(PacketType.PUBREC, got.packetId()));
        assertThat(sub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREL);
        Path image = crashImage();

        // a restart must send PUBREL again, never the PUBLISH: the client may have passed the message on already
        assertThat(inImage(image, "SELECT state FROM session_messages WHERE client_id = 'q2reader' AND inflight = 1"))
                .isEqualTo(StoredDelivery.AWAIT_PUBCOMP);
        Broker restarted = start(TestBrokers.anonymous().dataDirectory(image));
        RawMqttClient back = client(restarted, "q2reader", false, PERSISTENT, true);
        PubResponse again = back.receive(PubResponse.class, WAIT);
        assertThat(again.type()).isEqualTo(PacketType.PUBREL);
        assertThat(again.packetId()).isEqualTo(got.packetId());
        back.send(PubResponse.of(PacketType.PUBCOMP, got.packetId()));
        assertThat(back.publishWithin(QUIET)).as("no PUBLISH again").isEmpty();
    }

    @Test
    void aPubcompIsSentOnlyOnceTheIdIsReleasedOnDisk_MQTT_4_3_3_11() throws Exception {
        Broker broker = startOnDir();
        RawMqttClient pub = client(broker, "q2writer", false, PERSISTENT, false);
        pub.send(publish("w/t", 2, 9, false, "x"));
        assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
        assertThat(inImage(crashImage(), "SELECT count(*) FROM inbound_qos2 WHERE client_id = 'q2writer' AND packet_id = 9"))
                .as("the id is owned, on disk, when PUBREC arrives").isEqualTo(1);

        pub.send(PubResponse.of(PacketType.PUBREL, 9));
        assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBCOMP);

        assertThat(inImage(crashImage(), "SELECT count(*) FROM inbound_qos2 WHERE client_id = 'q2writer'"))
                .as("released on disk when PUBCOMP arrives").isZero();
    }

    @Test
    void restoredInboundQos2IdsNeverLockThePublisherOut_MQTT_3_3_4_9() throws Exception {
        int receiveMaximum = 5;
        Broker broker = start(TestBrokers.anonymous(BrokerSettings.defaults().withReceiveMaximum(receiveMaximum)).dataDirectory(dir));
        RawMqttClient pub = client(broker, "stuck", false, PERSISTENT, false);
        for (int id = 1; id <= receiveMaximum; id++) {
            pub.send(publish("l/t", 2, id, false, "before " + id));
            assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
        }
        Path image = crashImage(); // the quota is full: no PUBREL was sent

        Broker restarted = start(TestBrokers.anonymous(BrokerSettings.defaults().withReceiveMaximum(receiveMaximum)).dataDirectory(image));
        RawMqttClient back = client(restarted, "stuck", false, PERSISTENT, true);
        for (int id = 100; id < 100 + receiveMaximum; id++) {
            back.send(publish("l/t", 2, id, false, "after " + id));
            PubResponse r = back.receive(PubResponse.class, WAIT);
            assertThat(r.type()).as("new QoS 2 messages are taken, not refused").isEqualTo(PacketType.PUBREC);
            assertThat(ReasonCode.isFailure(r.reasonCode())).as("accepted (0x10: no subscriber, which is no refusal)").isFalse();
        }
        // the carried-over ones are completed as the spec describes: PUBREL, PUBCOMP
        back.send(PubResponse.of(PacketType.PUBREL, 1));
        PubResponse comp = back.receive(PubResponse.class, WAIT);
        assertThat(comp.type()).isEqualTo(PacketType.PUBCOMP);
        assertThat(comp.reasonCode()).as("id 1 was known").isZero();
    }

    @Test
    void anIdTheClientReusedAfterACrashIsANewMessageAndAResendIsNot_MQTT_4_3_3_9() throws Exception {
        Broker broker = startOnDir();
        RawMqttClient pub = client(broker, "reuser", false, PERSISTENT, false);
        pub.send(publish("u/t", 2, 7, false, "first"));
        assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
        Path image = crashImage(); // as if the PUBREL's release had not reached the disk before the crash

        Broker restarted = start(TestBrokers.anonymous().dataDirectory(image));
        RawMqttClient watcher = client(restarted, "watcher", true, MqttProperties.EMPTY, false);
        subscribe(watcher, "u/t", 2);
        RawMqttClient back = client(restarted, "reuser", false, PERSISTENT, true);

        back.send(publish("u/t", 2, 7, true, "first")); // the client resending what it sent: not routed twice
        assertThat(back.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
        assertThat(watcher.publishWithin(QUIET)).as("a resend is not a new message").isEmpty();

        back.send(PubResponse.of(PacketType.PUBREL, 7));
        assertThat(back.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBCOMP);
        back.send(publish("u/t", 2, 7, false, "second")); // id 7 again, after its PUBCOMP [MQTT-2.2.1-3]
        assertThat(back.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
        assertThat(text(watcher.receive(Publish.class, WAIT))).isEqualTo("second");
    }

    @Test
    void aStaleIdWithOtherContentIsRoutedNotSwallowed_MQTT_2_2_1_3() throws Exception {
        Broker broker = startOnDir();
        RawMqttClient pub = client(broker, "forgetful", false, PERSISTENT, false);
        pub.send(publish("f/t", 2, 3, false, "old"));
        assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
        Path image = crashImage();

        Broker restarted = start(TestBrokers.anonymous().dataDirectory(image));
        RawMqttClient watcher = client(restarted, "watcher", true, MqttProperties.EMPTY, false);
        subscribe(watcher, "f/t", 2);
        RawMqttClient back = client(restarted, "forgetful", false, PERSISTENT, true);
        // the client had finished id 3 (its PUBCOMP came, the release was lost with the crash) and reuses it
        back.send(publish("f/t", 2, 3, false, "new"));
        assertThat(back.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
        assertThat(text(watcher.receive(Publish.class, WAIT))).as("not lost as a duplicate").isEqualTo("new");
    }

    @Test
    void aDelayedWillSurvivesACrashAndIsPublishedOnce_MQTT_3_1_3_9() throws Exception {
        Broker broker = startOnDir();
        leaveAWillWatcher(broker);
        dropWithADelayedWill(broker, "dying", 2);
        await().atMost(WAIT).until(() -> committed("SELECT count(*) FROM pending_wills WHERE client_id = 'dying'") == 1);
        Path image = crashImage();
        broker.stop(); // the first broker goes (shutdown publishes no wills)

        Broker restarted = start(TestBrokers.anonymous().dataDirectory(image));
        RawMqttClient back = client(restarted, "will-watcher", false, PERSISTENT, true);
        Publish will = back.receive(Publish.class, WILL_WAIT);
        assertThat(will.topic()).isEqualTo("wills/dying");
        back.send(PubResponse.of(PacketType.PUBACK, will.packetId()));
        assertThat(back.publishWithin(QUIET)).as("published once").isEmpty();
        await().atMost(WAIT).until(() -> inImage(image, "SELECT count(*) FROM pending_wills") == 0);
    }

    @Test
    void aMessageHeldForASharedGroupSurvivesACrash() throws Exception {
        Broker broker = startOnDir();
        RawMqttClient member = client(broker, "member", false, PERSISTENT, false);
        subscribe(member, "$share/g/h/t", 1);
        disconnect(member);
        publishFrom(broker, "h/t", 1, "held for the group");
        Path image = crashImage();

        Broker restarted = start(TestBrokers.anonymous().dataDirectory(image));
        RawMqttClient back = client(restarted, "member", false, PERSISTENT, true);
        assertThat(text(back.receive(Publish.class, WAIT))).isEqualTo("held for the group");
    }

    @Test
    void queuedQos0MessagesAreKeptOnlyWhenConfigured() throws Exception {
        Broker off = startOnDir();
        RawMqttClient sub = client(off, "zero", false, PERSISTENT, false);
        subscribe(sub, "z/t", 0);
        disconnect(sub);
        // the broker has let go of the connection (it stores the session as disconnected right after)
        await().atMost(WAIT).until(() -> committed("SELECT count(*) FROM sessions WHERE client_id = 'zero' AND expires_at IS NOT NULL") == 1);
        publishFrom(off, "z/t", 0, "dropped");
        RawMqttClient back = client(off, "zero", false, PERSISTENT, true);
        assertThat(back.publishWithin(QUIET)).as("QoS 0 is not queued offline by default").isEmpty();
        disconnect(back);
        off.stop();

        Broker on = start(TestBrokers.anonymous(BrokerSettings.defaults().withQueueQos0Messages(true)).dataDirectory(dir));
        publishFrom(on, "z/t", 0, "kept");
        await().atMost(WAIT).until(() -> committed("SELECT count(*) FROM session_messages WHERE client_id = 'zero'") == 1);
        on.stop(); // and stored: a restart still has it
        Broker again = start(TestBrokers.anonymous(BrokerSettings.defaults().withQueueQos0Messages(true)).dataDirectory(dir));
        RawMqttClient resumed = client(again, "zero", false, PERSISTENT, true);
        Publish p = resumed.receive(Publish.class, WAIT);
        assertThat(text(p)).isEqualTo("kept");
        assertThat(p.qos()).isZero();
    }

    @Test
    void aSecondBrokerOnTheSameDataDirectoryStopsAtStartNamingTheLock() {
        startOnDir();
        assertThatThrownBy(() -> start(TestBrokers.anonymous().dataDirectory(dir)))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("in use by another running broker")
                .hasMessageContaining(dir.resolve("magpie.lock").toAbsolutePath().normalize().toString())
                .hasMessageContaining("--data-dir");
    }

}
