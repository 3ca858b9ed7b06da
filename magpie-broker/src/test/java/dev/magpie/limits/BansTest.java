package dev.magpie.limits;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.ReasonCode;
import dev.magpie.spi.Ban;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.magpie.limits.LimitsFixture.QUIET;
import static dev.magpie.limits.LimitsFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Bans by client id, user name and address (IPv4 and IPv6, single or CIDR), given to the builder or added at
 * run time, permanent or expiring. A banned client gets CONNACK 0x8A Banned (5.0) / 0x05 Not authorized (3.1.1);
 * a banned address is closed before its CONNECT is read; a ban added at run time disconnects matching clients
 * with 0x98 Administrative action, because 0x8A is not a DISCONNECT reason code (spec 3.14.2.1).
 */
class BansTest {

    @Test
    void bannedClientIdGets0x8AIn5And0x05In311() {
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().ban(Ban.clientId("bad")))) {
            assertThat(f.connAck(f.socket(), RawMqttClient.connectPacket(MqttVersion.V5, "bad", true, 60)).reasonCode())
                    .isEqualTo(ReasonCode.BANNED);
            // the raw client's decoder reads the 3.1.1 return code 0x05 back as 0x87 (AckDecoder); Paho below sees 5 itself
            assertThat(f.connAck(f.socket(), RawMqttClient.connectPacket(MqttVersion.V3_1_1, "bad", true, 60)).reasonCode())
                    .isEqualTo(ReasonCode.NOT_AUTHORIZED);
            f.v5("good"); // exact match only
            f.v5("bad2");
        }
    }

    @Test
    void bannedUsernameIsRefused() {
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().ban(Ban.username("mallory")))) {
            RawMqttClient c = f.socket();
            assertThat(f.connAck(c, LimitsFixture.connect(MqttVersion.V5, "m1", "mallory")).reasonCode()).isEqualTo(ReasonCode.BANNED);
            assertThat(c.awaitClosed(WAIT)).isTrue(); // [MQTT-3.2.2-7]
            assertThat(f.connAck(f.socket(), LimitsFixture.connect(MqttVersion.V5, "m2", "alice")).reasonCode()).isZero();
        }
    }

    @Test
    void bannedIpv4CidrIsClosedBeforeConnectIsRead() {
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().ban(Ban.address("127.0.0.0/8")))) {
            RawMqttClient c = f.socket();
            c.send(RawMqttClient.connectPacket(MqttVersion.V5, "any", true, 60));
            assertThat(c.awaitClosed(WAIT)).isTrue();
            assertThat(c.poll(QUIET)).as("no CONNACK: the socket was closed unread").isEmpty();
        }
    }

    @Test
    void ipv6BansMatchSingleAddressesAndCidrBlocks() {
        Broker.Builder v6 = Broker.builder().listener(Listener.tcp("::1", 0).anonymous(true));
        try (LimitsFixture f = new LimitsFixture(v6)) {
            f.broker.bans().add(Ban.address("::2"));
            f.connected("tcp", MqttVersion.V5, "not-yet"); // ::1 is not ::2
            f.broker.bans().add(Ban.address("::/127"));   // covers ::0 and ::1
            RawMqttClient c = f.socket();
            assertThat(c.awaitClosed(WAIT)).isTrue();
            f.broker.bans().remove(Ban.Kind.ADDRESS, "::/127");
            f.broker.bans().add(Ban.address("::1"));
            assertThat(f.socket().awaitClosed(WAIT)).isTrue();
            f.broker.bans().remove(Ban.Kind.ADDRESS, "::1");
            f.connected("tcp", MqttVersion.V5, "lifted");
        }
    }

    @Test
    void runtimeBanDisconnectsConnectedClientsWithAdministrativeAction() {
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous())) {
            RawMqttClient v5 = f.v5("target");
            RawMqttClient v311 = f.v311("target311");
            RawMqttClient bystander = f.v5("bystander");

            f.broker.bans().add(Ban.clientId("target").because("test"));
            assertThat(v5.receive(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.ADMINISTRATIVE_ACTION);
            assertThat(v5.awaitClosed(WAIT)).isTrue();

            f.broker.bans().add(Ban.clientId("target311"));
            assertThat(v311.awaitClosed(WAIT)).isTrue(); // 3.1.1 has no server DISCONNECT: just closed

            bystander.send(dev.magpie.codec.PingReq.INSTANCE);
            assertThat(bystander.receive(WAIT)).isInstanceOf(dev.magpie.codec.PingResp.class);
            assertThat(f.broker.bans().list()).extracting(Ban::value).containsExactlyInAnyOrder("target", "target311");
        }
    }

    @Test
    void expiringBanEndsByItselfAndRemovedBanLiftsAtOnce() {
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous())) {
            f.broker.bans().add(Ban.clientId("tmp").forDuration(Duration.ofSeconds(1)));
            f.broker.bans().add(Ban.clientId("perm"));
            assertThat(f.connAck(f.socket(), RawMqttClient.connectPacket(MqttVersion.V5, "tmp", true, 60)).reasonCode())
                    .isEqualTo(ReasonCode.BANNED);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                    f.connAck(f.socket(), RawMqttClient.connectPacket(MqttVersion.V5, "tmp", true, 60)).reasonCode() == 0);
            assertThat(f.broker.bans().list()).extracting(Ban::value).containsExactly("perm");

            assertThat(f.broker.bans().remove(Ban.Kind.CLIENT_ID, "perm")).isTrue();
            f.v5("perm");
        }
    }

    @Test
    void invalidAddressBanIsRefusedWithAClearMessage() {
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous())) {
            assertThatThrownBy(() -> f.broker.bans().add(Ban.address("example.com")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host names are not allowed");
            assertThatThrownBy(() -> f.broker.bans().add(Ban.address("10.0.0.0/33")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix length");
        }
    }

    @Test
    void realV311ClientSeesNotAuthorized() throws Exception {
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().ban(Ban.clientId("paho3")))) {
            org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(TestBrokers.uri(f.broker), "paho3",
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            try {
                assertThatThrownBy(client::connect).isInstanceOfSatisfying(org.eclipse.paho.client.mqttv3.MqttException.class,
                        e -> assertThat(e.getReasonCode()).isEqualTo(org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_NOT_AUTHORIZED));
            } finally {
                client.close(true);
            }
        }
    }

    @Test
    void realV5ClientSeesBanned() throws MqttException {
        try (LimitsFixture f = new LimitsFixture(TestBrokers.anonymous().ban(Ban.clientId("paho")))) {
            MqttClient client = new MqttClient(TestBrokers.uri(f.broker), "paho", new MemoryPersistence());
            try {
                assertThatThrownBy(() -> client.connect(new MqttConnectionOptions())).isInstanceOfSatisfying(MqttException.class,
                        e -> assertThat(e.getReasonCode()).isEqualTo(ReasonCode.BANNED));
            } finally {
                client.close(true);
            }
        }
    }
}
