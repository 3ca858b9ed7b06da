package dev.magpie.protocol;

import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of a session's life ({@link SessionRules}), each against its spec rule, without a socket. */
class SessionRulesTest {
    private static final long MAX = 86_400;

    private static Connect connect(MqttVersion version, boolean cleanStart, MqttProperties props) {
        return new Connect(version, "c", cleanStart, 60, null, null, null, props);
    }

    private static MqttProperties expiry(long seconds) {
        return MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, (int) seconds).build();
    }

    private static Connect.Will will(int delaySeconds) {
        MqttProperties p = delaySeconds == 0 ? MqttProperties.EMPTY
                : MqttProperties.builder().integer(PropertyId.WILL_DELAY_INTERVAL, delaySeconds).build();
        return new Connect.Will("w", "gone".getBytes(StandardCharsets.UTF_8), 1, false, p);
    }

    @Test
    void expiryAtConnect_MQTT_3_1_2_23_and_3_1_2_6() {
        assertThat(SessionRules.expiryAtConnect(connect(MqttVersion.V5, false, MqttProperties.EMPTY), MAX)).as("absent = 0").isZero();
        assertThat(SessionRules.expiryAtConnect(connect(MqttVersion.V5, false, expiry(600)), MAX)).isEqualTo(600);
        assertThat(SessionRules.expiryAtConnect(connect(MqttVersion.V5, false, expiry(MAX * 2)), MAX)).as("capped").isEqualTo(MAX);
        assertThat(SessionRules.expiryAtConnect(connect(MqttVersion.V3_1_1, false, MqttProperties.EMPTY), MAX)).isEqualTo(MAX);
        assertThat(SessionRules.expiryAtConnect(connect(MqttVersion.V3_1_1, true, MqttProperties.EMPTY), MAX)).isZero();
    }

    @Test
    void cleanStartOrNothingToResumeStartsFresh_MQTT_3_1_2_4() {
        assertThat(SessionRules.opening(true, true, false, 600)).isEqualTo(SessionRules.Opening.FRESH);
        assertThat(SessionRules.opening(false, false, false, 0)).isEqualTo(SessionRules.Opening.FRESH);
        assertThat(SessionRules.opening(false, true, false, 600)).isEqualTo(SessionRules.Opening.RESUME);
        assertThat(SessionRules.opening(false, true, true, 600)).as("a persistent live session is taken over and resumed")
                .isEqualTo(SessionRules.Opening.RESUME);
    }

    @Test
    void takingOverANonPersistentLiveSessionStartsFresh_MQTT_3_1_2_6_and_3_2_2_2() {
        assertThat(SessionRules.opening(false, true, true, 0)).isEqualTo(SessionRules.Opening.FRESH);
    }

    @Test
    void aDelayedWillIsDiscardedAtTakeoverOnlyWhenTheSessionGoesOn_MQTT_3_1_2_8() {
        assertThat(SessionRules.publishWillAtTakeover(will(0), false)).isTrue();
        assertThat(SessionRules.publishWillAtTakeover(will(30), false)).isFalse();
        assertThat(SessionRules.publishWillAtTakeover(will(30), true)).as("the session ends: its will goes").isTrue();
        assertThat(SessionRules.publishWillAtTakeover(null, true)).isFalse();
    }

    @Test
    void aNormalDisconnectDiscardsTheWillAnd0x04KeepsIt_MQTT_3_14_4_3() {
        SessionRules.OnDisconnect normal = SessionRules.onDisconnect(new Disconnect(0, MqttProperties.EMPTY), true, false, MAX);
        assertThat(normal.protocolError()).isFalse();
        assertThat(normal.publishWill()).isFalse();
        assertThat(normal.newExpiry()).isEqualTo(-1);
        assertThat(SessionRules.onDisconnect(new Disconnect(ReasonCode.DISCONNECT_WITH_WILL, MqttProperties.EMPTY), true, false, MAX)
                .publishWill()).isTrue();
    }

    @Test
    void aDisconnectMayChangeANonZeroExpiryCapped_MQTT_3_14_2_2() {
        assertThat(SessionRules.onDisconnect(new Disconnect(0, expiry(0)), true, false, MAX).newExpiry()).isZero();
        assertThat(SessionRules.onDisconnect(new Disconnect(0, expiry(MAX * 3)), true, false, MAX).newExpiry()).isEqualTo(MAX);
        assertThat(SessionRules.onDisconnect(new Disconnect(0, expiry(0)), true, true, MAX).protocolError())
                .as("0 to 0 is no change").isFalse();
    }

    @Test
    void raisingTheExpiryFromZeroIsAProtocolErrorThatPublishesTheWill_MQTT_3_14_2_2() {
        SessionRules.OnDisconnect d = SessionRules.onDisconnect(new Disconnect(0, expiry(60)), true, true, MAX);
        assertThat(d.protocolError()).isTrue();
        assertThat(d.publishWill()).isTrue();
        assertThat(d.newExpiry()).as("stays 0").isEqualTo(-1);
    }

    @Test
    void aWillWaitsForItsDelayOrTheSessionsEnd_MQTT_3_1_3_9() {
        assertThat(SessionRules.willDelayOnLoss(will(0), 600)).isZero();
        assertThat(SessionRules.willDelayOnLoss(will(30), 600)).isEqualTo(30);
        assertThat(SessionRules.willDelayOnLoss(will(900), 600)).as("the session ends first").isEqualTo(600);
        assertThat(SessionRules.willDelayOnLoss(will(30), 0)).as("the session ends now").isZero();
    }
}
