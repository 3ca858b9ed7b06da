package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.BrokerLimits;
import dev.magpie.ClientIdPolicy;
import dev.magpie.Listener;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authenticator;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.RawMqttClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * MQTT 5.0 section 5.4.2: the server should check that a client may use the client identifier it presents. A
 * session belongs to the user that created it; bob presenting admin's client id must neither take admin's
 * connection over, resume (and, through the resume re-check under bob's rights, wipe) admin's persistent session,
 * nor fire admin's will. Real clients (Paho 3.1.1 and 5.0) against a broker with two password users.
 */
class ClientIdOwnershipSpecTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Map<String, String> PASSWORDS = Map.of("admin", "admin-pw", "bob", "bob-pw");
    /** Known users with their password; no user name: anonymous (the listener allows it); anything else denied. */
    private static final Authenticator USERS = c -> CompletableFuture.completedFuture(c.username() == null ? AuthResult.next()
            : PASSWORDS.get(c.username()) != null && c.password() != null
            && PASSWORDS.get(c.username()).equals(new String(c.password(), StandardCharsets.UTF_8))
            ? AuthResult.allow() : AuthResult.deny("bad password"));

    private Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    private Broker start(ClientIdPolicy policy, Path dataDirectory) {
        Broker.Builder b = Broker.builder().listener(Listener.tcp("127.0.0.1", 0).anonymous(true)).authenticator(USERS)
                .limits(BrokerLimits.defaults().toBuilder().clientIds(policy).build());
        if (dataDirectory != null) {
            b.dataDirectory(dataDirectory);
        }
        broker = b.build().start();
        return broker;
    }

    private String uri() {
        return "tcp://127.0.0.1:" + broker.port("tcp");
    }

    private MqttClient v3(String clientId) throws MqttException {
        return new MqttClient(uri(), clientId, new MemoryPersistence());
    }

    private static MqttConnectOptions v3Options(String user, boolean clean) {
        MqttConnectOptions o = PahoOptions.v3();
        o.setCleanSession(clean);
        o.setAutomaticReconnect(false);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName(user);
        o.setPassword(PASSWORDS.get(user).toCharArray());
        return o;
    }

    /**
     * Admin holds a persistent session with a subscription, a will on its live connection and (later) queued
     * messages; bob's CONNECTs with admin's id, 3.1.1 and 5.0, Clean Session 0 and 1, are refused with 0x05 / 0x87,
     * and admin keeps its connection, its will (not fired), its subscription and its queued messages.
     */
    @Test
    void anotherUsersConnectIsRefusedAndLeavesTheSessionUntouched() throws Exception {
        start(ClientIdPolicy.defaults(), null);
        List<String> wills = new CopyOnWriteArrayList<>();
        MqttClient watcher = v3("will-watcher");
        watcher.connect(v3Options("bob", true));
        watcher.subscribe("wills/#", 1, (topic, m) -> wills.add(topic));

        MqttClient admin = v3("admin-device");
        MqttConnectOptions adminOptions = v3Options("admin", false);
        adminOptions.setWill("wills/admin", "admin is gone".getBytes(StandardCharsets.UTF_8), 1, false);
        admin.connect(adminOptions);
        admin.subscribe("admin/#", 1);

        // 3.1.1, both Clean Session values: 0x05 Not authorized
        for (boolean clean : new boolean[] {false, true}) {
            MqttClient thief = v3("admin-device");
            MqttException refused = catchThrowableOfType(() -> thief.connect(v3Options("bob", clean)), MqttException.class);
            assertThat(refused.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
            thief.close();
        }
        // 5.0: 0x87 Not authorized, with Clean Start 0 (resume) and 1 (replace)
        for (boolean clean : new boolean[] {false, true}) {
            org.eclipse.paho.mqttv5.client.MqttClient thief = new org.eclipse.paho.mqttv5.client.MqttClient(uri(), "admin-device",
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(clean);
            o.setSessionExpiryInterval(3600L);
            o.setUserName("bob");
            o.setPassword("bob-pw".getBytes(StandardCharsets.UTF_8));
            org.eclipse.paho.mqttv5.common.MqttException refused = catchThrowableOfType(() -> thief.connect(o),
                    org.eclipse.paho.mqttv5.common.MqttException.class);
            assertThat(refused.getReasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            thief.close();
        }
        // an anonymous client may not take a named user's id either
        try (RawMqttClient anonymous = RawMqttClient.connect("127.0.0.1", broker.port("tcp"))) {
            anonymous.send(RawMqttClient.connectPacket(MqttVersion.V5, "admin-device", false, 60));
            assertThat(anonymous.receive(ConnAck.class, WAIT).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }

        assertThat(admin.isConnected()).isTrue();
        admin.disconnect(); // a normal DISCONNECT: the will is discarded [MQTT-3.14.4-3]
        admin.close();
        MqttClient publisher = v3("publisher");
        publisher.connect(v3Options("bob", true));
        publisher.publish("admin/1", "one".getBytes(StandardCharsets.UTF_8), 1, false);
        publisher.publish("admin/2", "two".getBytes(StandardCharsets.UTF_8), 1, false);

        MqttClient thief = v3("admin-device"); // once more while admin is offline: its stored session is not resumed
        assertThat(catchThrowableOfType(() -> thief.connect(v3Options("bob", false)), MqttException.class).getReasonCode())
                .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
        thief.close();

        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient back = v3("admin-device");
        back.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                received.add(topic);
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        org.eclipse.paho.client.mqttv3.IMqttToken token = back.connectWithResult(v3Options("admin", false));
        assertThat(token.getSessionPresent()).isTrue(); // [MQTT-3.2.2-3]
        await().atMost(WAIT).until(() -> received.size() == 2);
        assertThat(received).containsExactly("admin/1", "admin/2");
        publisher.publish("admin/3", "three".getBytes(StandardCharsets.UTF_8), 1, false); // the subscription is still there
        await().atMost(WAIT).until(() -> received.size() == 3);
        assertThat(wills).isEmpty(); // bob's attempts never published admin's will
        back.disconnect();
        publisher.disconnect();
        watcher.disconnect();
    }

    /** A named user may not take an anonymous client's session either (the reverse of the case above). */
    @Test
    void aNamedUserCannotTakeAnAnonymousSession() {
        start(ClientIdPolicy.defaults(), null);
        try (RawMqttClient anonymous = RawMqttClient.connect("127.0.0.1", broker.port("tcp"));
             RawMqttClient named = RawMqttClient.connect("127.0.0.1", broker.port("tcp"))) {
            anonymous.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "shared-id", false, 60));
            assertThat(anonymous.receive(ConnAck.class, WAIT).reasonCode()).isZero();
            named.send(new Connect(MqttVersion.V3_1_1, "shared-id", false, 60, "bob", "bob-pw".getBytes(StandardCharsets.UTF_8), null,
                    MqttProperties.EMPTY));
            // the raw client reads the 3.1.1 return code 0x05 back as 0x87
            assertThat(named.receive(ConnAck.class, WAIT).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(anonymous.poll(Duration.ofMillis(200))).isEmpty(); // not taken over
        }
    }

    /** The owner is persisted with the session: after a restart the stored session still refuses bob. */
    @Test
    void ownershipSurvivesARestartWithTheSqliteStore(@TempDir Path data) throws Exception {
        start(ClientIdPolicy.defaults(), data);
        MqttClient admin = v3("admin-device");
        admin.connect(v3Options("admin", false));
        admin.subscribe("admin/#", 1);
        admin.disconnect();
        admin.close();
        broker.stop();

        start(ClientIdPolicy.defaults(), data);
        MqttClient thief = v3("admin-device");
        assertThat(catchThrowableOfType(() -> thief.connect(v3Options("bob", false)), MqttException.class).getReasonCode())
                .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
        thief.close();
        MqttClient back = v3("admin-device");
        assertThat(back.connectWithResult(v3Options("admin", false)).getSessionPresent()).isTrue();
        back.disconnect();
    }

    /**
     * {@link ClientIdPolicy.Ownership#ASSIGN_NEW_ID}: bob is admitted under an id of its own, told in Assigned Client
     * Identifier, with a session that ends with its connection; admin keeps its connection and session.
     */
    @Test
    void assignNewIdAdmitsTheNewcomerUnderAnIdOfItsOwn() throws Exception {
        start(ClientIdPolicy.defaults().withOwnership(ClientIdPolicy.Ownership.ASSIGN_NEW_ID), null);
        MqttClient admin = v3("admin-device");
        admin.connect(v3Options("admin", false));

        org.eclipse.paho.mqttv5.client.MqttClient newcomer = new org.eclipse.paho.mqttv5.client.MqttClient(uri(), "admin-device",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(3600L);
        o.setUserName("bob");
        o.setPassword("bob-pw".getBytes(StandardCharsets.UTF_8));
        IMqttToken token = newcomer.connectWithResult(o);
        assertThat(token.getSessionPresent()).isFalse();
        String assigned = token.getResponseProperties().getAssignedClientIdentifier();
        assertThat(assigned).startsWith("magpie-").isNotEqualTo("admin-device");
        assertThat(token.getResponseProperties().getSessionExpiryInterval()).isZero();
        assertThat(admin.isConnected()).isTrue();
        newcomer.disconnect();
        newcomer.close();

        // 3.1.1 has no Assigned Client Identifier: still admitted, Session Present 0, admin untouched
        MqttClient v3Newcomer = v3("admin-device");
        assertThat(v3Newcomer.connectWithResult(v3Options("bob", false)).getSessionPresent()).isFalse();
        assertThat(admin.isConnected()).isTrue();
        v3Newcomer.disconnect();
        admin.disconnect();
    }

    /** A pattern binds ids to users: {@code %u-*} admits bob as "bob-1", refuses "admin-1" with 0x85 (3.1.1: 0x02). */
    @Test
    void aPatternBindsClientIdsToUserNames() throws Exception {
        start(ClientIdPolicy.defaults().withPattern("%u-*"), null);
        MqttClient own = v3("bob-1");
        own.connect(v3Options("bob", true));
        own.disconnect();
        MqttClient foreign = v3("admin-1");
        assertThat(catchThrowableOfType(() -> foreign.connect(v3Options("bob", true)), MqttException.class).getReasonCode())
                .isEqualTo(MqttException.REASON_CODE_INVALID_CLIENT_ID);
        try (RawMqttClient v5 = RawMqttClient.connect("127.0.0.1", broker.port("tcp"));
             RawMqttClient empty = RawMqttClient.connect("127.0.0.1", broker.port("tcp"));
             RawMqttClient anonymous = RawMqttClient.connect("127.0.0.1", broker.port("tcp"))) {
            v5.send(new Connect(MqttVersion.V5, "admin-1", true, 60, "bob", "bob-pw".getBytes(StandardCharsets.UTF_8), null, MqttProperties.EMPTY));
            assertThat(v5.receive(ConnAck.class, WAIT).reasonCode()).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
            // an id the broker assigns is made to fit the pattern [MQTT-3.1.3-6]
            empty.send(new Connect(MqttVersion.V5, "", true, 60, "bob", "bob-pw".getBytes(StandardCharsets.UTF_8), null, MqttProperties.EMPTY));
            ConnAck ack = empty.receive(ConnAck.class, WAIT);
            assertThat(ack.reasonCode()).isZero();
            assertThat(ack.properties().string(PropertyId.ASSIGNED_CLIENT_IDENTIFIER)).hasValueSatisfying(id -> assertThat(id).startsWith("bob-"));
            // without a user name, %u cannot match
            anonymous.send(RawMqttClient.connectPacket(MqttVersion.V5, "x-1", true, 60));
            assertThat(anonymous.receive(ConnAck.class, WAIT).reasonCode()).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
        }
    }
}
