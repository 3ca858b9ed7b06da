package dev.magpie.hostile;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.security.acl.Access;
import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.security.acl.AclRule;
import dev.magpie.spi.Authorizer;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client id or user name of '#' or '+' turns a pattern rule such as {@code devices/%c/#} into a wildcard that
 * covers every device: mosquitto before 1.4.12 let such clients read and write other clients' topics
 * (CVE-2017-7650). The ACL engine substitutes them literally ({@code security.acl} unit tests); this runs the
 * attack end to end against a victim on the same broker.
 */
class WildcardIdentityAttackTest extends AttackTest {

    @Override
    Authorizer[] authorizers() {
        return new Authorizer[] {AclAuthorizer.of(List.of(
                AclRule.topic(Access.READWRITE, "good/#"),
                AclRule.pattern(Access.READWRITE, "devices/%c/#"),
                AclRule.pattern(Access.READWRITE, "users/%u/#")))};
    }

    @ParameterizedTest(name = "client id ''{0}'', user ''{1}''")
    @CsvSource({"'#',", "'+',", "'x',#", "'y',+"})
    void wildcardIdentityReachesNoOtherClientsTopics(String clientId, String username) throws Exception {
        try (RawMqttClient victim = attacker(MqttVersion.V3_1_1, "victim");
             RawMqttClient attacker = RawMqttClient.connect("127.0.0.1", broker.port())) {
            victim.send(new Subscribe(1, List.of(Subscription.of("devices/victim/#", 1)), MqttProperties.EMPTY));
            assertThat(victim.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(1);

            attacker.send(new Connect(MqttVersion.V3_1_1, clientId, true, 60, username, null, null, MqttProperties.EMPTY));
            assertThat(attacker.receive(ConnAck.class, WAIT).reasonCode()).isZero();
            String target = username == null ? "devices/victim/#" : "users/alice/#";
            attacker.send(new Subscribe(2, List.of(Subscription.of(target, 1), Subscription.of("#", 1)), MqttProperties.EMPTY));
            assertThat(attacker.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(ReasonCode.V3_SUBACK_FAILURE, ReasonCode.V3_SUBACK_FAILURE);

            // a 3.1.1 publisher is acknowledged even when refused; the victim must not see it
            attacker.send(new Publish("devices/victim/cmd", 1, false, false, 3, "open".getBytes(StandardCharsets.US_ASCII), MqttProperties.EMPTY));
            assertThat(attacker.receive(PubResponse.class, WAIT).packetId()).isEqualTo(3);
            assertThat(victim.poll(Duration.ofMillis(300))).isEmpty();
            // while the victim's own messages still reach it
            victim.send(new Publish("devices/victim/state", 0, false, false, 0, "ok".getBytes(StandardCharsets.US_ASCII), MqttProperties.EMPTY));
            assertThat(victim.receive(Publish.class, WAIT).topic()).isEqualTo("devices/victim/state");
            traffic.awaitProgress(20);
        }
        survived();
    }
}
