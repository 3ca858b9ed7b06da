package dev.magpie.limits;

import dev.magpie.BrokerSettings;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import static dev.magpie.limits.LimitsFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * max_keep_alive below 65535. A 5.0 client asking for more (or for 0, "never checked") is told the cap in Server
 * Keep Alive [MQTT-3.2.2-21]. A 3.1/3.1.1 client cannot be told, and a keep-alive the broker never checks lets a
 * silent client hold its connection for ever (the slowloris class, mosquitto CVE-2020-13849): it is refused
 * with CONNACK 0x02 Identifier rejected, as mosquitto's max_keepalive does, and the CONNACK is followed by a
 * close [MQTT-3.2.2-5].
 */
class KeepAliveCapTest {
    private static LimitsFixture start() {
        return new LimitsFixture(TestBrokers.anonymous(BrokerSettings.defaults().withMaxKeepAlive(60)));
    }

    private static ConnAck connect(LimitsFixture f, MqttVersion version, String id, int keepAlive) {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", f.broker.port("tcp"));
        c.send(RawMqttClient.connectPacket(version, id, true, keepAlive));
        ConnAck ack = c.receive(ConnAck.class, WAIT);
        if (ack.reasonCode() != ReasonCode.SUCCESS) {
            c.awaitClosed(WAIT);
        }
        c.close();
        return ack;
    }

    @Test
    void v311KeepAliveZeroOrAboveTheCapIsRefusedWithIdentifierRejected() {
        try (LimitsFixture f = start()) {
            assertThat(connect(f, MqttVersion.V3_1_1, "never-checked", 0).reasonCode()).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
            assertThat(connect(f, MqttVersion.V3_1_1, "too-long", 61).reasonCode()).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
            assertThat(connect(f, MqttVersion.V3_1, "v31-too-long", 600).reasonCode()).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
            assertThat(connect(f, MqttVersion.V3_1_1, "at-the-cap", 60).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
        }
    }

    @Test
    void v5ClientIsToldTheCapInServerKeepAliveInstead_MQTT_3_2_2_21() {
        try (LimitsFixture f = start()) {
            ConnAck zero = connect(f, MqttVersion.V5, "v5-zero", 0);
            assertThat(zero.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            assertThat(zero.properties().integer(PropertyId.SERVER_KEEP_ALIVE, -1)).isEqualTo(60);
            ConnAck above = connect(f, MqttVersion.V5, "v5-above", 3600);
            assertThat(above.properties().integer(PropertyId.SERVER_KEEP_ALIVE, -1)).isEqualTo(60);
        }
    }

    @Test
    void defaultCapAcceptsEveryKeepAlive() {
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous())) {
            assertThat(connect(f, MqttVersion.V3_1_1, "zero", 0).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            assertThat(connect(f, MqttVersion.V3_1_1, "max", 65_535).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
        }
    }

    @Test
    void pahoV3SeesIdentifierRejected() throws Exception {
        try (LimitsFixture f = start()) {
            MqttClient paho = new MqttClient("tcp://127.0.0.1:" + f.broker.port("tcp"), "paho-long", new MemoryPersistence());
            MqttConnectOptions o = PahoOptions.v3();
            o.setKeepAliveInterval(300);
            MqttException e = catchThrowableOfType(() -> paho.connect(o), MqttException.class);
            assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_INVALID_CLIENT_ID);
            paho.close();
        }
    }
}
