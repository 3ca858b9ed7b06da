package dev.magpie.hostile;

import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topics and filters with tens of thousands of levels. Mosquitto 1.5.0 to 1.6.5 overflowed its stack on a
 * SUBSCRIBE of about 65,400 '/' characters (CVE-2019-11779). Magpie's topic tree walks levels one per call,
 * so every walk over a deep topic (subscribe, match on publish, retained lookup, removal) must not recurse per
 * level. These run with default settings: no topic-level limit is needed to survive them.
 */
class DeepTopicAttackTest extends AttackTest {
    /** 65,534 '/' characters (65,535 levels), one short of the longest MQTT string so a wildcard still fits after it [MQTT-1.5.4]. */
    private static final String DEEPEST = "/".repeat(65_534);
    private static final String DEEP_NAMED = "d/".repeat(30_000) + "end";

    @Test
    void subscribeMatchAndUnsubscribeTheDeepestFilter() throws Exception {
        try (RawMqttClient attacker = attacker(MqttVersion.V3_1_1, "deep-subscriber")) {
            for (String filter : List.of(DEEPEST, DEEP_NAMED, DEEP_NAMED.substring(0, DEEP_NAMED.length() - 3) + "+", DEEPEST + "#")) {
                attacker.send(new Subscribe(1, List.of(Subscription.of(filter, 1)), MqttProperties.EMPTY));
                assertThat(attacker.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(1);
            }
            // matching walks all 65,536 levels of the tree
            attacker.send(new Publish(DEEPEST, 1, false, false, 7, "x".getBytes(StandardCharsets.US_ASCII), MqttProperties.EMPTY));
            attacker.send(new Publish(DEEP_NAMED, 1, false, false, 8, "y".getBytes(StandardCharsets.US_ASCII), MqttProperties.EMPTY));
            int acks = 0;
            int deliveries = 0;
            for (int i = 0; i < 4; i++) {
                MqttPacket p = attacker.receive(WAIT);
                if (p instanceof Publish publish) {
                    deliveries++;
                    attacker.send(PubResponse.of(PacketType.PUBACK, publish.packetId()));
                } else {
                    assertThat(p).isInstanceOf(PubResponse.class);
                    acks++;
                }
            }
            // DEEPEST matches its exact filter and DEEPEST/#, DEEP_NAMED its exact filter and the '+' one: overlapping
            // subscriptions of one client give one delivery each [MQTT-3.3.4-2]
            assertThat(acks).isEqualTo(2);
            assertThat(deliveries).isEqualTo(2);
            assertThat(attacker.poll(java.time.Duration.ofMillis(200))).isEmpty();
            traffic.awaitProgress(20);
        }
        survived();
    }

    @Test
    void retainedMessageOnTheDeepestTopicReachesAHashSubscriber() throws Exception {
        try (RawMqttClient attacker = attacker(MqttVersion.V3_1_1, "deep-retainer")) {
            attacker.send(new Publish(DEEPEST, 1, true, false, 1, "r".getBytes(StandardCharsets.US_ASCII), MqttProperties.EMPTY));
            assertThat(attacker.receive(PubResponse.class, WAIT).packetId()).isEqualTo(1);
            attacker.send(new Subscribe(2, List.of(Subscription.of("#", 0), Subscription.of(DEEPEST + "+", 0)), MqttProperties.EMPTY));
            assertThat(attacker.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(0, 0);
            // retained delivery walks the whole deep branch under '#', and the '+' filter down to the leaf: one copy per
            // subscription; the good clients' live messages reach '#' too and are skipped here
            int retainedCopies = 0;
            for (int i = 0; i < 10_000 && retainedCopies < 2; i++) {
                Optional<MqttPacket> p = attacker.poll(WAIT);
                assertThat(p).as("the retained message on the deep topic").isPresent();
                if (p.get() instanceof Publish publish && publish.topic().equals(DEEPEST)) {
                    assertThat(publish.retain()).isTrue();
                    retainedCopies++;
                }
            }
            assertThat(retainedCopies).isEqualTo(2);
            // clear it again so the baseline holds
            attacker.send(new Publish(DEEPEST, 0, true, false, 0, new byte[0], MqttProperties.EMPTY));
            traffic.awaitProgress(20);
        }
        survived();
    }
}
