package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PingResp;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.Subscribe;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CONNECT handling, keep-alive and takeover, over raw packets. */
class ConnectSpecTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private Broker broker;
    private int port;

    @BeforeEach
    void start() {
        broker = TestBrokers.anonymous(BrokerSettings.defaults().withConnectTimeout(Duration.ofMillis(500))).build().start();
        port = broker.port("tcp");
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    private RawMqttClient raw() throws Exception {
        return RawMqttClient.connect("127.0.0.1", port);
    }

    @Test
    void firstPacketMustBeConnect_MQTT_3_1_0_1() throws Exception {
        try (RawMqttClient c = raw()) {
            c.send(PingReq.INSTANCE);
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void secondConnectIsAProtocolViolation_MQTT_3_1_0_2() throws Exception {
        try (RawMqttClient c = raw()) {
            c.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "twice", true, 60));
            assertThat(c.receive(ConnAck.class, WAIT).reasonCode()).isZero();
            c.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "twice", true, 60));
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void wrongProtocolNameClosesWithoutConnack_MQTT_3_1_2_1() throws Exception {
        try (RawMqttClient c = raw()) {
            // CONNECT, remaining length 14, protocol name "MQTX", level 4, flags 0x02, keep-alive 60, client id "a"
            c.sendRaw(new byte[]{0x10, 13, 0, 4, 'M', 'Q', 'T', 'X', 4, 0x02, 0, 60, 0, 1, 'a'});
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void unsupportedLevelGetsConnack0x01_MQTT_3_1_2_2() throws Exception {
        try (RawMqttClient c = raw()) {
            // protocol name "MQTT" with level 6
            c.sendRaw(new byte[]{0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 6, 0x02, 0, 60, 0, 1, 'a'});
            ConnAck ack = c.receive(ConnAck.class, WAIT);
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION); // decoded as 3.1.1 code 0x01
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void reservedConnectFlagMustBeZero_MQTT_3_1_2_3() throws Exception {
        try (RawMqttClient c = raw()) {
            c.sendRaw(new byte[]{0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x03, 0, 60, 0, 1, 'a'});
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void emptyClientIdWithPersistentSessionIsRejectedIn311_MQTT_3_1_3_8() throws Exception {
        try (RawMqttClient c = raw()) {
            c.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "", false, 60));
            ConnAck ack = c.receive(ConnAck.class, WAIT);
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID); // 3.1.1 code 0x02
            assertThat(ack.sessionPresent()).isFalse();
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void emptyClientIdIsAssignedIn5_MQTT_3_1_3_6() throws Exception {
        try (RawMqttClient c = raw()) {
            c.send(RawMqttClient.connectPacket(MqttVersion.V5, "", true, 60));
            ConnAck ack = c.receive(ConnAck.class, WAIT);
            assertThat(ack.reasonCode()).isZero();
            assertThat(ack.properties().string(PropertyId.ASSIGNED_CLIENT_IDENTIFIER)).hasValueSatisfying(id -> assertThat(id).startsWith("magpie-"));
        }
    }

    @Test
    void socketThatNeverSendsConnectIsClosed() throws Exception {
        try (RawMqttClient c = raw()) {
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }

    // 3.1.1 numbers the rule [MQTT-3.1.2-24], 5.0 [MQTT-3.1.2-22]: the silent client here is 5.0, the chatty one 3.1.1
    @Test
    void silentClientIsDisconnectedAfterOneAndAHalfKeepAlives_MQTT_3_1_2_24() throws Exception {
        try (RawMqttClient silent = raw(); RawMqttClient chatty = raw()) {
            silent.send(RawMqttClient.connectPacket(MqttVersion.V5, "silent", true, 1));
            chatty.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "chatty", true, 1));
            silent.receive(ConnAck.class, WAIT);
            chatty.receive(ConnAck.class, WAIT);
            long started = System.nanoTime();
            // the chatty one pings every 500 ms for 3 s and stays connected
            for (int i = 0; i < 6; i++) {
                chatty.send(PingReq.INSTANCE);
                assertThat(chatty.receive(PingResp.class, WAIT)).isNotNull();
                chatty.poll(Duration.ofMillis(500));
            }
            Disconnect d = silent.receive(Disconnect.class, WAIT);
            assertThat(d.reasonCode()).isEqualTo(ReasonCode.KEEP_ALIVE_TIMEOUT);
            assertThat(silent.awaitClosed(WAIT)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
            chatty.send(PingReq.INSTANCE);
            assertThat(chatty.receive(PingResp.class, WAIT)).isNotNull();
        }
    }

    @Test
    void takeoverSendsDisconnect0x8EToTheOldConnection_MQTT_3_1_4_3() throws Exception {
        try (RawMqttClient first = raw(); RawMqttClient second = raw()) {
            first.send(RawMqttClient.connectPacket(MqttVersion.V5, "same", true, 60));
            first.receive(ConnAck.class, WAIT);
            second.send(RawMqttClient.connectPacket(MqttVersion.V5, "same", true, 60));
            assertThat(second.receive(ConnAck.class, WAIT).reasonCode()).isZero();
            assertThat(first.receive(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
            assertThat(first.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void packetsSentRightAfterConnectAreProcessedAfterTheConnack_MQTT_3_1_4_5() throws Exception {
        try (RawMqttClient c = raw()) {
            c.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "eager", true, 60));
            c.send(new Subscribe(7, List.of(Subscribe.Subscription.of("e/#", 1)), MqttProperties.EMPTY));
            c.send(PingReq.INSTANCE);
            assertThat(c.receive(WAIT)).isInstanceOf(ConnAck.class);
            assertThat(c.receive(WAIT)).isInstanceOf(dev.magpie.codec.SubAck.class);
            assertThat(c.receive(WAIT)).isInstanceOf(PingResp.class);
        }
    }

    @Test
    void authenticationMethodIsRefusedWith0x8C() throws Exception {
        try (RawMqttClient c = raw()) {
            c.send(new Connect(MqttVersion.V5, "scram", true, 60, null, null, null,
                    MqttProperties.builder().string(PropertyId.AUTHENTICATION_METHOD, "SCRAM-SHA-1").build()));
            assertThat(c.receive(ConnAck.class, WAIT).reasonCode()).isEqualTo(ReasonCode.BAD_AUTHENTICATION_METHOD);
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }
}
