package dev.magpie.limits;

import dev.magpie.BrokerLimits;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.ReasonCode;
import dev.magpie.security.ban.FlappingDetector;
import dev.magpie.spi.Ban;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.magpie.limits.LimitsFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Flapping detection: more than max_connects CONNECTs of one client id within the window ban it for
 * ban_duration (CONNACK 0x8A), logged once; other client ids are unaffected; the ban ends by itself.
 */
class FlappingTest {

    private int connect(LimitsFixture f, String clientId) {
        RawMqttClient c = f.socket();
        int code = f.connAck(c, RawMqttClient.connectPacket(MqttVersion.V5, clientId, true, 60)).reasonCode();
        c.close();
        return code;
    }

    @Test
    void reconnectLoopIsBannedForAWhileAndLoggedOnce() {
        BrokerLimits limits = BrokerLimits.defaults().toBuilder()
                .flapping(new BrokerLimits.Flapping(3, Duration.ofMinutes(1), Duration.ofSeconds(1), false)).build();
        try (LogCapture log = LogCapture.of(FlappingDetector.class);
             LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().limits(limits))) {
            for (int i = 0; i < 3; i++) {
                assertThat(connect(f, "loop")).as("connect %d", i + 1).isZero();
            }
            assertThat(connect(f, "loop")).as("the fourth within the window").isEqualTo(ReasonCode.BANNED);
            assertThat(connect(f, "loop")).as("still banned").isEqualTo(ReasonCode.BANNED);
            assertThat(connect(f, "other")).as("another client id").isZero();
            assertThat(f.broker.bans().list()).singleElement().satisfies(b -> {
                assertThat(b.kind()).isEqualTo(Ban.Kind.CLIENT_ID);
                assertThat(b.isPermanent()).isFalse();
                assertThat(b.reason()).contains("flapping");
            });
            assertThat(log.messages()).singleElement().asString().contains("loop").contains("flapping");

            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> connect(f, "loop") == 0);
        }
    }

    @Test
    void byAddressBansTheAddressOfManyClientIds() {
        BrokerLimits limits = BrokerLimits.defaults().toBuilder()
                .flapping(new BrokerLimits.Flapping(3, Duration.ofMinutes(1), Duration.ofMinutes(1), true)).build();
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().limits(limits))) {
            for (int i = 0; i < 3; i++) {
                assertThat(connect(f, "id" + i)).isZero();
            }
            assertThat(connect(f, "id3")).isEqualTo(ReasonCode.BANNED);
            assertThat(f.broker.bans().list()).singleElement().satisfies(b -> assertThat(b.kind()).isEqualTo(Ban.Kind.ADDRESS));
            // now the address itself is banned: closed before CONNECT is read
            assertThat(f.socket().awaitClosed(WAIT)).isTrue();
        }
    }
}
