package dev.magpie.hostile;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
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
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading what the rules forbid through wildcards, '$' topics and retained messages. Mosquitto before 1.5.3
 * exited on a PUBLISH to a '$' topic other than $SYS (CVE-2018-12543), and up to 1.5.5 kept sending a retained
 * message to new subscribers after its publisher's access was revoked (CVE-2018-12546). A subscription to
 * '#' or '+/…' never matches a '$' topic [MQTT-4.7.2-1], and every delivery, live or retained, is checked against
 * the reader's rules, so a broad subscription the rules allow cannot carry what they deny.
 */
class DollarTopicAndAclBypassAttackTest extends AttackTest {

    @Override
    Authorizer[] authorizers() {
        return new Authorizer[] {AclAuthorizer.of(List.of(
                AclRule.topic(Access.READWRITE, "good/#"),
                AclRule.topic(Access.READ, "#"),
                AclRule.topic(Access.DENY, "secret/#"),
                AclRule.topic(Access.WRITE, "secret/#").forUser("owner"),
                AclRule.topic(Access.WRITE, "$foo/#"),
                AclRule.topic(Access.WRITE, "public/#").forUser("owner"),
                AclRule.topic(Access.WRITE, "$owner/#").forUser("owner")))};
    }

    @Test
    void broadSubscriptionsCarryNeitherSecretsNorDollarTopics() throws Exception {
        try (RawMqttClient owner = user("owner"); RawMqttClient attacker = user("reader")) {
            // retained secret before the attacker subscribes, and a retained '$' topic
            publish(owner, "secret/plan", true, 1);
            publish(owner, "$owner/state", true, 2);
            attacker.send(new Subscribe(1, List.of(Subscription.of("#", 1), Subscription.of("+/+", 1), Subscription.of("secret/#", 1)), MqttProperties.EMPTY));
            // 'secret/#' itself is denied; '#' and '+/+' are allowed by 'read #'
            assertThat(attacker.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(1, 1, ReasonCode.V3_SUBACK_FAILURE);

            publish(owner, "secret/live", false, 3);
            publish(owner, "$owner/live", false, 4);
            // CVE-2018-12543: a '$' topic that is not $SYS is an ordinary publish, not a crash
            publish(attacker, "$foo/bar", false, 5);
            publish(owner, "public/news", false, 6);

            for (Optional<MqttPacket> p = attacker.poll(WAIT); p.isPresent() && !seen.contains("public/news"); p = attacker.poll(WAIT)) {
                record(attacker, p.get());
            }
            assertThat(seen).filteredOn(t -> !t.startsWith("good/")).containsExactly("public/news");

            // clear the retained messages so the broker's state is back where it started
            publish(owner, "secret/plan", true, 7, new byte[0]);
            publish(owner, "$owner/state", true, 8, new byte[0]);
            traffic.awaitProgress(20);
        }
        survived();
    }

    private RawMqttClient user(String name) {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port());
        c.send(new Connect(MqttVersion.V3_1_1, name, true, 60, name, null, null, MqttProperties.EMPTY));
        assertThat(c.receive(ConnAck.class, WAIT).reasonCode()).isZero();
        return c;
    }

    /** Every topic delivered to a client of this test, in order (the attacker's is what must hold no secret). */
    private final List<String> seen = new ArrayList<>();

    /** Notes a delivery and acknowledges it. */
    private void record(RawMqttClient c, MqttPacket p) {
        if (p instanceof Publish publish) {
            seen.add(publish.topic());
            if (publish.qos() > 0) {
                c.send(PubResponse.of(PacketType.PUBACK, publish.packetId()));
            }
        }
    }

    private void publish(RawMqttClient c, String topic, boolean retain, int id) {
        publish(c, topic, retain, id, "x".getBytes(StandardCharsets.US_ASCII));
    }

    /** QoS 1 publish; waits for its PUBACK, skipping deliveries that arrive first. */
    private void publish(RawMqttClient c, String topic, boolean retain, int id, byte[] payload) {
        c.send(new Publish(topic, 1, retain, false, id, payload, MqttProperties.EMPTY));
        for (int i = 0; i < 100_000; i++) {
            MqttPacket p = c.receive(WAIT);
            if (p instanceof PubResponse r && r.packetId() == id) {
                return;
            }
            record(c, p);
        }
        throw new AssertionError("no PUBACK for " + topic);
    }
}
