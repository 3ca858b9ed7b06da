package dev.magpie.hostile;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hundreds of CONNECTs carrying wills, properties and options the broker refuses, each connection dropped at
 * once. Mosquitto leaked memory on crafted CONNECTs from unauthenticated clients (CVE-2017-7654) and on 5.0
 * CONNECTs (CVE-2021-34431). Whether refused or accepted and dropped, nothing of these connections may stay:
 * sessions and connections come back to the baseline.
 */
class ConnectChurnAttackTest extends AttackTest {
    private static final int ROUNDS = 300;

    @Test
    void refusedAndDroppedConnectsLeaveNothingBehind() throws Exception {
        MqttProperties willProps = MqttProperties.builder().userProperty("k", "v").integer(PropertyId.MESSAGE_EXPIRY_INTERVAL, 60).build();
        for (int i = 0; i < ROUNDS; i++) {
            Connect.Will will = new Connect.Will("attack/will/" + i, new byte[64], 1, false, willProps);
            MqttProperties props = switch (i % 3) {
                // enhanced authentication is not offered: refused with 0x8C [MQTT-4.12.0-1]
                case 0 -> MqttProperties.builder().string(PropertyId.AUTHENTICATION_METHOD, "SCRAM-SHA-256").build();
                // a session that outlives the connection, dropped without DISCONNECT
                case 1 -> MqttProperties.builder().integer(PropertyId.SESSION_EXPIRY_INTERVAL, 0).userProperty("a", "b").build();
                default -> MqttProperties.builder().integer(PropertyId.RECEIVE_MAXIMUM, 1).integer(PropertyId.TOPIC_ALIAS_MAXIMUM, 5).build();
            };
            try (RawMqttClient attacker = socket()) {
                attacker.send(new Connect(MqttVersion.V5, "churn-" + (i % 7), true, 60, null, null, will, props));
                ConnAck ack = attacker.receive(ConnAck.class, WAIT);
                assertThat(ack.reasonCode()).isEqualTo(i % 3 == 0 ? ReasonCode.BAD_AUTHENTICATION_METHOD : ReasonCode.SUCCESS);
            } // closed without DISCONNECT: the will goes, the session ends (expiry 0)
            if (i % 50 == 0) {
                traffic.awaitProgress(5);
            }
        }
        survived();
    }
}
