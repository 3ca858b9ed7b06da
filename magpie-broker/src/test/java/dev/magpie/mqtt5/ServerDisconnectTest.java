package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.connect5;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectDisconnect;
import static dev.magpie.mqtt5.Mqtt5Fixture.publish;
import static dev.magpie.mqtt5.Mqtt5Fixture.since;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DISCONNECT sent by the broker (spec 3.14, 4.13): the reason code says why, a Reason String explains it
 * unless the client turned Request Problem Information off, and it never makes the packet larger than the
 * client's Maximum Packet Size [MQTT-3.14.2-3]. 3.1.1 clients, which have no server DISCONNECT, are only closed.
 */
class ServerDisconnectTest {
    private Mqtt5Fixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static void assertReasonString(Disconnect d) {
        assertThat(d.properties().string(PropertyId.REASON_STRING)).as("Reason String").hasValueSatisfying(s -> assertThat(s).isNotBlank());
    }

    @Test
    void takeoverIs0x8E_MQTT_3_1_4_3() {
        f = Mqtt5Fixture.start();
        RawMqttClient first = f.v5("sd-twin");
        f.v5("sd-twin");
        assertReasonString(expectDisconnect(first, ReasonCode.SESSION_TAKEN_OVER));
    }

    @Test
    void keepAliveTimeoutIs0x8D_MQTT_3_1_2_22() {
        f = Mqtt5Fixture.start();
        RawMqttClient silent = f.connected(new Connect(MqttVersion.V5, "sd-silent", true, 1, null, null, null, MqttProperties.EMPTY));
        long connected = System.nanoTime();
        assertReasonString(expectDisconnect(silent, ReasonCode.KEEP_ALIVE_TIMEOUT));
        // one and a half times the keep-alive (1.5 s); the lower bound is loose
        assertThat(since(connected)).isGreaterThanOrEqualTo(Duration.ofMillis(1_200));
    }

    @Test
    void shutdownIs0x8B() {
        f = Mqtt5Fixture.start();
        RawMqttClient c = f.v5("sd-stop");
        f.broker.stop();
        assertReasonString(expectDisconnect(c, ReasonCode.SERVER_SHUTTING_DOWN));
    }

    @Test
    void aPacketAboveTheBrokersMaximumIs0x95() {
        f = Mqtt5Fixture.start(BrokerSettings.defaults().withMaxPacketSize(256));
        RawMqttClient c = f.v5("sd-big");
        c.send(publish("big", 0, 0, "y".repeat(512)));
        assertReasonString(expectDisconnect(c, ReasonCode.PACKET_TOO_LARGE));
    }

    @Test
    void aSecondConnectIsAProtocolError0x82_MQTT_3_1_0_2() {
        f = Mqtt5Fixture.start();
        RawMqttClient c = f.v5("sd-twice");
        c.send(connect5("sd-twice", true, MqttProperties.EMPTY));
        assertReasonString(expectDisconnect(c, ReasonCode.PROTOCOL_ERROR));
    }

    @Test
    void aMalformedPacketIs0x81() {
        f = Mqtt5Fixture.start();
        RawMqttClient c = f.v5("sd-malformed");
        // PUBLISH with QoS 3 [MQTT-3.3.1-4]
        c.sendRaw(new byte[]{0x36, 4, 0, 1, 't', 0});
        assertReasonString(expectDisconnect(c, ReasonCode.MALFORMED_PACKET));
    }

    @Test
    void noReasonStringWhenTheClientTurnedProblemInformationOff_MQTT_3_1_2_29() {
        f = Mqtt5Fixture.start();
        MqttProperties quiet = MqttProperties.builder().integer(PropertyId.REQUEST_PROBLEM_INFORMATION, 0).build();
        RawMqttClient first = f.v5("sd-rpi", quiet);
        f.v5("sd-rpi");
        assertThat(expectDisconnect(first, ReasonCode.SESSION_TAKEN_OVER).properties().has(PropertyId.REASON_STRING)).isFalse();
    }

    @Test
    void theReasonStringIsLeftOutWhenItWouldExceedTheClientsMaximumPacketSize_MQTT_3_14_2_3() {
        f = Mqtt5Fixture.start();
        MqttProperties small = MqttProperties.builder().integer(PropertyId.MAXIMUM_PACKET_SIZE, 16).build();
        RawMqttClient first = f.v5("sd-small", small);
        f.v5("sd-small");
        Disconnect d = expectDisconnect(first, ReasonCode.SESSION_TAKEN_OVER);
        assertThat(d.properties().has(PropertyId.REASON_STRING)).isFalse();
        assertThat(MqttEncoder.encodedSize(d, MqttVersion.V5)).isLessThanOrEqualTo(16);
    }

    @Test
    void noDisconnectBeforeASuccessfulConnack_MQTT_3_14_0_1() {
        f = Mqtt5Fixture.start();
        RawMqttClient c = f.socket().version(MqttVersion.V5);
        // a 5.0 CONNECT whose properties hold the unknown property id 0x7F: refused with CONNACK 0x81
        // [MQTT-3.1.4-1], never with a DISCONNECT
        c.sendRaw(new byte[]{0x10, 16, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 2, 0x7F, 0, 0, 1, 'a'});
        assertThat(c.awaitClosed(WAIT)).isTrue();
        List<MqttPacket> received = new ArrayList<>();
        for (Optional<MqttPacket> p = c.poll(Duration.ZERO); p.isPresent(); p = c.poll(Duration.ZERO)) {
            received.add(p.get());
        }
        assertThat(received).noneMatch(p -> p instanceof Disconnect);
        assertThat(received).singleElement().isInstanceOfSatisfying(ConnAck.class,
                ack -> assertThat(ack.reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET));
    }

    @Test
    void a311ClientIsClosedWithoutDisconnect() {
        f = Mqtt5Fixture.start();
        RawMqttClient first = f.v311("sd-v3");
        f.v311("sd-v3");
        assertThat(first.awaitClosed(WAIT)).isTrue();
        assertThat(first.poll(Duration.ZERO)).isEmpty();
    }

    @Test
    void hivemqClientsAreToldTakeoverAndShutdownWithAReason() {
        f = Mqtt5Fixture.start();
        List<Mqtt5Disconnect> seen = new CopyOnWriteArrayList<>();
        Mqtt5BlockingClient first = f.track(f.hivemqBuilder("sd-hm").addDisconnectedListener(ctx -> {
            if (ctx.getCause() instanceof Mqtt5DisconnectException e) {
                seen.add(e.getMqttMessage());
            }
        }).buildBlocking());
        first.connect();
        Mqtt5BlockingClient second = f.track(f.hivemqBuilder("sd-hm").addDisconnectedListener(ctx -> {
            if (ctx.getCause() instanceof Mqtt5DisconnectException e) {
                seen.add(e.getMqttMessage());
            }
        }).buildBlocking());
        second.connect();
        await().atMost(WAIT).until(() -> seen.size() == 1);
        assertThat(seen.get(0).getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        assertThat(seen.get(0).getReasonString()).isPresent();
        f.broker.stop();
        await().atMost(WAIT).until(() -> seen.size() == 2);
        assertThat(seen.get(1).getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.SERVER_SHUTTING_DOWN);
        assertThat(seen.get(1).getReasonString()).isPresent();
    }
}
