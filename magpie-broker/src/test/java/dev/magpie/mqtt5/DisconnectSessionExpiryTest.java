package dev.magpie.mqtt5;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.connect5;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectDisconnect;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectNoPublish;
import static dev.magpie.mqtt5.Mqtt5Fixture.sessionExpiry;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Session Expiry Interval of a client's DISCONNECT (5.0 section 3.14.2.2.2): it may change a non-zero interval,
 * but setting one after a CONNECT whose interval was 0 is a Protocol Error [MQTT-3.14.2-2]. The server then sends
 * DISCONNECT 0x82 and closes; the expiry stays 0 (the session ends), and as after any close that is not a normal
 * DISCONNECT the will is published.
 */
class DisconnectSessionExpiryTest {
    private Mqtt5Fixture f;
    private RawMqttClient observer;

    @BeforeEach
    void start() {
        f = Mqtt5Fixture.start();
        observer = f.v5("dse-observer");
        subscribe(observer, "will/#", 0);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static Connect.Will will(String topic) {
        return new Connect.Will(topic, "gone".getBytes(StandardCharsets.UTF_8), 0, false, MqttProperties.EMPTY);
    }

    private static Disconnect disconnectWithExpiry(int seconds) {
        return new Disconnect(ReasonCode.NORMAL_DISCONNECTION, sessionExpiry(seconds));
    }

    @Test
    void raisingTheExpiryFromZeroIsAProtocolErrorAndTheWillIsPublished_MQTT_3_14_2_2() {
        RawMqttClient c = f.connected(connect5("dse-zero", true, MqttProperties.EMPTY, will("will/zero")));
        c.send(disconnectWithExpiry(30));
        expectDisconnect(c, ReasonCode.PROTOCOL_ERROR);
        assertThat(observer.receive(Publish.class, WAIT).topic()).isEqualTo("will/zero");
        // the expiry stayed 0: nothing is left to resume
        ConnAck again = f.connAck(f.socket(), connect5("dse-zero", false, sessionExpiry(30)));
        assertThat(again.sessionPresent()).isFalse();
    }

    @Test
    void anExplicitZeroAfterZeroIsANormalDisconnect() {
        RawMqttClient c = f.connected(connect5("dse-zero-zero", true, MqttProperties.EMPTY, will("will/zz")));
        c.send(disconnectWithExpiry(0));
        assertThat(c.awaitClosed(WAIT)).isTrue();
        assertThat(c.poll(java.time.Duration.ZERO)).as("no DISCONNECT from the server").isEmpty();
        expectNoPublish(observer); // a normal DISCONNECT discards the will [MQTT-3.14.4-3]
    }

    @Test
    void aNonZeroExpiryMayBeChangedAtDisconnect() {
        RawMqttClient c = f.connected(connect5("dse-ten", true, sessionExpiry(10), will("will/ten")));
        c.send(disconnectWithExpiry(30));
        assertThat(c.awaitClosed(WAIT)).isTrue();
        expectNoPublish(observer);
        ConnAck again = f.connAck(f.socket(), connect5("dse-ten", false, sessionExpiry(30)));
        assertThat(again.sessionPresent()).isTrue();
    }
}
