package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.security.acl.Access;
import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.security.acl.AclRule;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules change while a client with a persistent session is away (an ACL file reloaded, a permission revoked).
 * When it comes back [MQTT-3.1.2-4] / [MQTT-3.1.2-5], its stored subscriptions and the messages waiting for it are
 * checked against the rules of now, not the rules of when they were stored. Mosquitto's CVE-2018-12546 is the
 * same class for retained messages: access revoked, content still delivered.
 */
class ResumeReauthorizationTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private Broker broker;

    @AfterEach
    void stop() {
        broker.stop();
    }

    /** What the server's ACL reload does: the next question goes to the new rule set. */
    private static final class ReloadableAcl implements Authorizer {
        final AtomicReference<AclAuthorizer> current;

        ReloadableAcl(AclAuthorizer initial) {
            current = new AtomicReference<>(initial);
        }

        @Override
        public Decision authorizePublish(ClientInfo client, String topic, int qos, boolean retain) {
            return current.get().authorizePublish(client, topic, qos, retain);
        }

        @Override
        public Decision authorizeSubscribe(ClientInfo client, String filter, int qos) {
            return current.get().authorizeSubscribe(client, filter, qos);
        }

        @Override
        public Decision authorizeDelivery(ClientInfo subscriber, Message message) {
            return current.get().authorizeDelivery(subscriber, message);
        }
    }

    @Test
    void subscriptionDeniedByReloadedAclIsRemovedOnResume() throws Exception {
        ReloadableAcl acl = new ReloadableAcl(AclAuthorizer.of(List.of(
                AclRule.topic(Access.READWRITE, "sensors/#"), AclRule.topic(Access.READWRITE, "alerts/#"))));
        broker = TestBrokers.anonymous().authorizer(acl).build().start();
        try (RawMqttClient publisher = connect("publisher", true); LogCapture log = LogCapture.of(SessionLifecycle.class)) {
            try (RawMqttClient resumer = connect("resumer", false)) {
                resumer.send(new Subscribe(1, List.of(Subscription.of("sensors/#", 1), Subscription.of("alerts/#", 1)), MqttProperties.EMPTY));
                assertThat(resumer.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(1, 1);
            }
            publish(publisher, "sensors/1", 1); // queued while allowed
            publish(publisher, "alerts/1", 2);
            acl.current.set(AclAuthorizer.of(List.of(AclRule.topic(Access.WRITE, "sensors/#"), AclRule.topic(Access.READWRITE, "alerts/#"))));
            publish(publisher, "sensors/2", 3); // refused at routing already
            publish(publisher, "alerts/2", 4);

            try (RawMqttClient resumer = connect("resumer", false)) {
                publish(publisher, "sensors/3", 5); // no subscription any more
                publish(publisher, "alerts/3", 6);
                assertThat(topicsReceived(resumer, 3)).containsExactly("alerts/1", "alerts/2", "alerts/3");
                assertThat(resumer.poll(Duration.ofMillis(300))).isEmpty();
            }
            assertThat(log.messages()).contains("client resumer: stored subscription to sensors/# removed on resume: no longer authorized",
                    "client resumer: 1 stored message(s) not delivered on resume: no longer authorized");
        }
    }

    @Test
    void queuedAndUnacknowledgedMessagesNoLongerReadableAreNotResent() throws Exception {
        Set<String> unreadable = ConcurrentHashMap.newKeySet();
        Authorizer rules = new Authorizer() {
            @Override
            public Decision authorizePublish(ClientInfo client, String topic, int qos, boolean retain) {
                return Decision.ALLOW;
            }

            @Override
            public Decision authorizeSubscribe(ClientInfo client, String filter, int qos) {
                return Decision.ALLOW;
            }

            @Override
            public Decision authorizeDelivery(ClientInfo subscriber, Message message) {
                return unreadable.stream().anyMatch(message.topic()::startsWith) ? Decision.DENY : Decision.NEXT;
            }
        };
        broker = TestBrokers.anonymous().authorizer(rules).build().start();
        try (RawMqttClient publisher = connect("publisher", true)) {
            try (RawMqttClient resumer = connect("resumer", false)) {
                resumer.send(new Subscribe(1, List.of(Subscription.of("plant/#", 1)), MqttProperties.EMPTY));
                resumer.receive(SubAck.class, WAIT);
                publish(publisher, "plant/secret/a", 1);
                // received but never acknowledged: normally sent again with DUP on resume [MQTT-4.4.0-1]
                assertThat(resumer.receive(Publish.class, WAIT).topic()).isEqualTo("plant/secret/a");
            }
            publish(publisher, "plant/secret/b", 2); // queued offline
            publish(publisher, "plant/open/c", 3);
            unreadable.add("plant/secret/");

            try (RawMqttClient resumer = connect("resumer", false)) {
                assertThat(topicsReceived(resumer, 1)).containsExactly("plant/open/c");
                assertThat(resumer.poll(Duration.ofMillis(300))).isEmpty();
            }
        }
    }

    private RawMqttClient connect(String clientId, boolean clean) {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port("tcp"));
        c.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, clientId, clean, 60));
        ConnAck ack = c.receive(ConnAck.class, WAIT);
        assertThat(ack.reasonCode()).isZero();
        return c;
    }

    /** Publishes at QoS 1 and waits for the PUBACK, so the message has been routed when this returns. */
    private static void publish(RawMqttClient publisher, String topic, int packetId) {
        publisher.send(new Publish(topic, 1, false, false, packetId, topic.getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
        assertThat(publisher.receive(PubResponse.class, WAIT).packetId()).isEqualTo(packetId);
    }

    /** The topics of the next {@code count} PUBLISHes, each acknowledged. */
    private static List<String> topicsReceived(RawMqttClient c, int count) {
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Optional<MqttPacket> p = c.poll(WAIT);
            assertThat(p).as("publish %d of %d", i + 1, count).get().isInstanceOf(Publish.class);
            Publish publish = (Publish) p.get();
            topics.add(publish.topic());
            c.send(PubResponse.of(PacketType.PUBACK, publish.packetId()));
        }
        return topics;
    }
}
