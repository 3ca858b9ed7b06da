package dev.magpie.mqtt5;

import dev.magpie.BrokerSettings;
import dev.magpie.codec.Auth;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.spi.AuthStep;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.EnhancedAuthRequest;
import dev.magpie.spi.EnhancedAuthenticator;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectDisconnect;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static dev.magpie.mqtt5.Mqtt5Fixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The AUTH packet flow (spec 4.12) over raw packets, driven by a challenge / response method "TEST-CR": the
 * client's data names a user, the server challenges with "nonce-NAME", the answer "proof-NAME" admits it
 * under NAME with the final data "welcome NAME". Some names make the authenticator misbehave on purpose.
 */
class EnhancedAuthTest {
    private static final String METHOD = "TEST-CR";
    private final List<EnhancedAuthRequest> requests = new CopyOnWriteArrayList<>();
    private final List<ClientInfo> connected = new CopyOnWriteArrayList<>();
    private Mqtt5Fixture f;

    /** The test method, answering by the name in the client's first data. */
    private final EnhancedAuthenticator challengeResponse = new EnhancedAuthenticator() {
        @Override
        public String method() {
            return METHOD;
        }

        @Override
        public CompletionStage<AuthStep> start(EnhancedAuthRequest request) {
            requests.add(request);
            String name = new String(request.data(), StandardCharsets.UTF_8);
            return switch (name) {
                case "redirect" -> done(AuthStep.useAnotherServer("other.example:1883"));
                case "moved" -> done(AuthStep.serverMoved("new.example:1883"));
                case "deny" -> done(AuthStep.notAuthorized("test says no"));
                case "hang" -> new CompletableFuture<>();
                case "throw" -> throw new IllegalStateException("authenticator bug");
                case "big" -> done(AuthStep.challenge(new byte[2_000], answer -> done(AuthStep.success())));
                default -> done(AuthStep.challenge(bytes("nonce-" + name), answer -> done(new String(answer, StandardCharsets.UTF_8).equals("proof-" + name)
                        ? AuthStep.successAs(name, bytes("welcome " + name)) : AuthStep.badCredentials("wrong proof for " + name))));
            };
        }
    };

    private static CompletableFuture<AuthStep> done(AuthStep step) {
        return CompletableFuture.completedFuture(step);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void start(BrokerSettings settings) {
        f = Mqtt5Fixture.start(TestBrokers.anonymous(settings).enhancedAuthenticator(challengeResponse).eventListener(new BrokerListener() {
            @Override
            public void clientConnected(ClientInfo client) {
                connected.add(client);
            }
        }));
    }

    private void start() {
        start(BrokerSettings.defaults());
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static MqttProperties method(String method, String data) {
        MqttProperties.Builder b = MqttProperties.builder().string(PropertyId.AUTHENTICATION_METHOD, method);
        if (data != null) {
            b.binary(PropertyId.AUTHENTICATION_DATA, bytes(data));
        }
        return b.build();
    }

    private static Connect connect(String clientId, MqttProperties properties) {
        return Mqtt5Fixture.connect5(clientId, true, properties);
    }

    private static Auth auth(int reasonCode, String method, String data) {
        return new Auth(reasonCode, method(method, data));
    }

    private static String data(MqttProperties p) {
        return new String(p.binary(PropertyId.AUTHENTICATION_DATA).orElseThrow(), StandardCharsets.UTF_8);
    }

    /** Sends CONNECT naming {@code user} and expects the challenge. */
    private RawMqttClient challenged(String clientId, String user, MqttProperties extra) {
        RawMqttClient c = f.socket();
        c.send(connect(clientId, method(METHOD, user).toBuilder().build()));
        Auth challenge = c.receive(Auth.class, WAIT);
        assertThat(challenge.reasonCode()).isEqualTo(ReasonCode.CONTINUE_AUTHENTICATION); // [MQTT-4.12.0-2]
        assertThat(challenge.properties().string(PropertyId.AUTHENTICATION_METHOD)).contains(METHOD); // [MQTT-4.12.0-5]
        assertThat(data(challenge.properties())).isEqualTo("nonce-" + user);
        return c;
    }

    private RawMqttClient admitted(String clientId, String user) {
        RawMqttClient c = challenged(clientId, user, MqttProperties.EMPTY);
        c.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, METHOD, "proof-" + user)); // [MQTT-4.12.0-3]
        ConnAck ack = c.receive(ConnAck.class, WAIT);
        assertThat(ack.reasonCode()).isZero();
        return c;
    }

    private static ConnAck refusal(RawMqttClient c) {
        ConnAck ack = c.receive(ConnAck.class, WAIT);
        assertThat(ack.reasonCode()).isGreaterThanOrEqualTo(0x80);
        assertThat(c.awaitClosed(WAIT)).as("closed after a refusing CONNACK").isTrue();
        return ack;
    }

    @Test
    void aChallengeAndItsAnswerAdmitTheClientWithTheMethodInConnack_MQTT_4_12_0_2_to_5() {
        start();
        RawMqttClient c = challenged("ea-ok", "alice", MqttProperties.EMPTY);
        c.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, METHOD, "proof-alice"));
        ConnAck ack = c.receive(ConnAck.class, WAIT);
        assertThat(ack.reasonCode()).isZero();
        assertThat(ack.properties().string(PropertyId.AUTHENTICATION_METHOD)).contains(METHOD);
        assertThat(data(ack.properties())).isEqualTo("welcome alice");
        // admitted under the name the authenticator chose, and working
        // the connected event follows the CONNACK on the broker's thread: wait for it
        await().atMost(WAIT).untilAsserted(() -> assertThat(connected).extracting(ClientInfo::username).contains("alice"));
        assertThat(requests.get(0).isReauthentication()).isFalse();
        subscribe(c, "ea/ok", 0);
        c.send(Mqtt5Fixture.publish("ea/ok", 0, 0, "hi"));
        assertThat(text(c.receive(Publish.class, WAIT))).isEqualTo("hi");
    }

    @Test
    void anUnknownMethodIsRefusedWith0x8C_MQTT_4_12_0_1() {
        start();
        RawMqttClient c = f.socket();
        c.send(connect("ea-unknown", method("GS2-KRB5", "x")));
        ConnAck ack = refusal(c);
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.BAD_AUTHENTICATION_METHOD);
        assertThat(ack.properties().has(PropertyId.AUTHENTICATION_METHOD)).isFalse();
    }

    @Test
    void aWrongAnswerIs0x86AndARefusalIs0x87_MQTT_4_12_0_4() {
        start();
        RawMqttClient c = challenged("ea-wrong", "alice", MqttProperties.EMPTY);
        c.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, METHOD, "proof-mallory"));
        assertThat(refusal(c).reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);

        RawMqttClient d = f.socket();
        d.send(connect("ea-deny", method(METHOD, "deny")));
        assertThat(refusal(d).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        assertThat(connected).isEmpty();
    }

    @Test
    void anEnhancedAuthenticatorMayRedirectWithServerReference_0x9C_0x9D() {
        start();
        RawMqttClient c = f.socket();
        c.send(connect("ea-redirect", method(METHOD, "redirect")));
        ConnAck ack = refusal(c);
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.USE_ANOTHER_SERVER);
        assertThat(ack.properties().string(PropertyId.SERVER_REFERENCE)).contains("other.example:1883");
        RawMqttClient m = f.socket();
        m.send(connect("ea-moved", method(METHOD, "moved")));
        ConnAck moved = refusal(m);
        assertThat(moved.reasonCode()).isEqualTo(ReasonCode.SERVER_MOVED);
        assertThat(moved.properties().string(PropertyId.SERVER_REFERENCE)).contains("new.example:1883");
    }

    @Test
    void anAuthWithAnotherMethodIsAProtocolError_MQTT_4_12_0_5() {
        start();
        RawMqttClient c = challenged("ea-method", "alice", MqttProperties.EMPTY);
        c.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, "OTHER", "proof-alice"));
        assertThat(refusal(c).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void onlyAuthOrDisconnectMayComeBeforeConnack_MQTT_3_1_2_30() {
        start();
        RawMqttClient c = challenged("ea-early", "alice", MqttProperties.EMPTY);
        c.send(Mqtt5Fixture.publish("ea/early", 0, 0, "too soon"));
        assertThat(refusal(c).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);

        RawMqttClient d = challenged("ea-bye", "alice", MqttProperties.EMPTY);
        d.send(new Disconnect(ReasonCode.SUCCESS, MqttProperties.EMPTY));
        assertThat(d.awaitClosed(WAIT)).isTrue();
        assertThat(connected).isEmpty();
    }

    @Test
    void anAuthBeforeConnectClosesTheConnection_MQTT_3_1_0_1() {
        start();
        RawMqttClient c = f.socket();
        c.version(MqttVersion.V5).send(auth(ReasonCode.CONTINUE_AUTHENTICATION, METHOD, "alice"));
        assertThat(c.awaitClosed(WAIT)).isTrue();
        assertThat(c.poll(Duration.ZERO)).isEmpty();
    }

    @Test
    void aClientWithoutMethodGetsNoAuthAndMustSendNone_MQTT_4_12_0_6_and_7() {
        start();
        RawMqttClient c = f.socket();
        ConnAck ack = f.connAck(c, connect("ea-plain", MqttProperties.EMPTY));
        assertThat(ack.reasonCode()).isZero();
        assertThat(ack.properties().has(PropertyId.AUTHENTICATION_METHOD)).isFalse();
        c.send(auth(ReasonCode.REAUTHENTICATE, METHOD, "alice"));
        expectDisconnect(c, ReasonCode.PROTOCOL_ERROR);
        assertThat(requests).isEmpty();
    }

    @Test
    void reauthenticationWhileMessagesKeepFlowing_MQTT_4_12_1_1() {
        start();
        RawMqttClient c = admitted("ea-re", "alice");
        subscribe(c, "ea/re", 1);
        c.send(auth(ReasonCode.REAUTHENTICATE, METHOD, "alice"));
        Auth challenge = c.receive(Auth.class, WAIT);
        assertThat(challenge.reasonCode()).isEqualTo(ReasonCode.CONTINUE_AUTHENTICATION);
        assertThat(data(challenge.properties())).isEqualTo("nonce-alice");
        // between challenge and answer, publications flow under the earlier authentication (spec 4.12.1)
        c.send(Mqtt5Fixture.publish("ea/re", 1, 7, "during"));
        boolean acked = false;
        boolean delivered = false;
        for (int i = 0; i < 4 && !(acked && delivered); i++) {
            MqttPacket p = c.receive(WAIT);
            if (p instanceof PubResponse r && r.type() == PacketType.PUBACK) {
                acked = r.packetId() == 7;
            } else if (p instanceof Publish pub) {
                delivered = text(pub).equals("during");
                c.send(PubResponse.of(PacketType.PUBACK, pub.packetId()));
            }
        }
        assertThat(acked && delivered).isTrue();
        c.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, METHOD, "proof-alice"));
        Auth success = c.receive(Auth.class, WAIT);
        assertThat(success.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
        assertThat(success.properties().string(PropertyId.AUTHENTICATION_METHOD)).contains(METHOD);
        assertThat(data(success.properties())).isEqualTo("welcome alice");
        EnhancedAuthRequest again = requests.get(requests.size() - 1);
        assertThat(again.isReauthentication()).isTrue();
        assertThat(again.currentUser()).contains("alice");
        // still connected and working
        c.send(Mqtt5Fixture.publish("ea/re", 0, 0, "after"));
        assertThat(text(c.receive(Publish.class, WAIT))).isEqualTo("after");
    }

    @Test
    void reauthenticationWithAnotherMethodIsAProtocolError_MQTT_4_12_1_1() {
        start();
        RawMqttClient c = admitted("ea-re-method", "alice");
        c.send(auth(ReasonCode.REAUTHENTICATE, "OTHER", "alice"));
        expectDisconnect(c, ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void aFailedReauthenticationDisconnectsWithTheReasonCode_MQTT_4_12_1_2() {
        start();
        RawMqttClient c = admitted("ea-re-fail", "alice");
        c.send(auth(ReasonCode.REAUTHENTICATE, METHOD, "alice"));
        c.receive(Auth.class, WAIT);
        c.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, METHOD, "proof-eve"));
        // the authenticator said 0x86, which DISCONNECT does not have (spec 3.14.2.1): 0x87 instead
        expectDisconnect(c, ReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void reauthenticatingAsAnotherUserIsRefused() {
        start();
        RawMqttClient c = admitted("ea-re-bob", "alice");
        c.send(auth(ReasonCode.REAUTHENTICATE, METHOD, "bob"));
        c.receive(Auth.class, WAIT);
        c.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, METHOD, "proof-bob"));
        expectDisconnect(c, ReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void aReauthenticationRedirectCarriesTheServerReference() {
        start();
        RawMqttClient c = admitted("ea-re-moved", "alice");
        c.send(auth(ReasonCode.REAUTHENTICATE, METHOD, "moved"));
        Disconnect d = expectDisconnect(c, ReasonCode.SERVER_MOVED);
        assertThat(d.properties().string(PropertyId.SERVER_REFERENCE)).contains("new.example:1883");
    }

    @Test
    void anAuthOutsideAnExchangeIsAProtocolError() {
        start();
        RawMqttClient c = admitted("ea-stray", "alice");
        c.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, METHOD, "proof-alice"));
        expectDisconnect(c, ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void noReasonStringOrUserPropertyOnAuthWhenProblemInformationIsOff_MQTT_3_1_2_29() {
        start();
        RawMqttClient c = f.socket();
        c.send(connect("ea-rpi", method(METHOD, "alice").toBuilder().integer(PropertyId.REQUEST_PROBLEM_INFORMATION, 0).build()));
        Auth challenge = c.receive(Auth.class, WAIT);
        c.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, METHOD, "proof-alice"));
        assertThat(c.receive(ConnAck.class, WAIT).reasonCode()).isZero();
        c.send(auth(ReasonCode.REAUTHENTICATE, METHOD, "alice"));
        Auth again = c.receive(Auth.class, WAIT);
        c.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, METHOD, "proof-alice"));
        Auth success = c.receive(Auth.class, WAIT);
        for (Auth a : List.of(challenge, again, success)) {
            assertThat(a.properties().has(PropertyId.REASON_STRING)).isFalse();
            assertThat(a.properties().userProperties()).isEmpty();
        }
    }

    @Test
    void anAuthenticatorThatHangsOrThrowsRefusesTheClient_failClosed() {
        start(BrokerSettings.defaults().withAuthenticationTimeout(Duration.ofMillis(300)));
        for (String name : new String[]{"hang", "throw"}) {
            RawMqttClient c = f.socket();
            c.send(connect("ea-" + name, method(METHOD, name)));
            // refused (fail closed) as "server unavailable": the check was not made, the client is not to blame (issue 10)
            assertThat(refusal(c).reasonCode()).as(name).isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
        }
    }

    @Test
    void aClientThatNeverAnswersTheChallengeIsRefused() {
        start(BrokerSettings.defaults().withConnectTimeout(Duration.ofMillis(1_500)));
        RawMqttClient c = challenged("ea-silent", "alice", MqttProperties.EMPTY);
        assertThat(refusal(c).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        // the same bound holds for a re-authentication the client starts and then leaves unanswered
        RawMqttClient connectedClient = admitted("ea-silent-re", "alice");
        connectedClient.send(auth(ReasonCode.REAUTHENTICATE, METHOD, "alice"));
        connectedClient.receive(Auth.class, WAIT);
        expectDisconnect(connectedClient, ReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void aChallengeLargerThanTheClientAcceptsIsNotSent_MQTT_3_1_2_24() {
        start();
        RawMqttClient c = f.socket();
        c.send(connect("ea-big", method(METHOD, "big").toBuilder().integer(PropertyId.MAXIMUM_PACKET_SIZE, 200).build()));
        ConnAck ack = refusal(c);
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void twoAuthenticatorsForOneMethodAreRefusedAtBuildTime() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestBrokers.anonymous()
                        .enhancedAuthenticator(challengeResponse).enhancedAuthenticator(challengeResponse))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(METHOD);
    }
}
