package dev.magpie.security.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.security.acl.GrantedAcl;
import dev.magpie.spi.Decision;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Real MQTT clients connecting with signed tokens: the token's {@code acl} claim is what the broker enforces
 * for that client ({@link GrantedAcl.Authorizer}), and a bad token never gets in.
 */
class JwtAclEndToEndTest {
    private Broker broker;
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void keys() throws Exception {
        JwtAuthenticatorTest.keys();
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    /** Connects as {@code clientId}, which is also the token's subject: [MQTT-3.1.2-22] a 3.1.1 password needs a user name. */
    private MqttClient connect(String clientId, String token) throws MqttException {
        MqttClient client = new MqttClient(TestBrokers.uri(broker), clientId, new MemoryPersistence());
        clients.add(client);
        MqttConnectOptions options = PahoOptions.v3();
        options.setUserName(clientId);
        options.setPassword(token.toCharArray());
        client.connect(options);
        return client;
    }

    private static String token(String subject, Map<String, Object> acl) throws Exception {
        return JwtAuthenticatorTest.sign(JWSAlgorithm.ES256, null, JwtAuthenticatorTest.claims(subject).claim("acl", acl).build());
    }

    @Test
    void grantedAclDecidesPublishSubscribeAndDelivery() throws Exception {
        broker = Broker.builder().listener(Listener.tcp("127.0.0.1", 0))
                .authenticator(JwtAuthenticator.builder(JwtKeys.publicKey(JwtAlgorithm.ES256, JwtAuthenticatorTest.ec.getPublic())).build())
                .authorizer(new GrantedAcl.Authorizer(Decision.ALLOW))
                .build().start();
        MqttClient app = connect("app", token("app", Map.of("sub", List.of("devices/+/up"))));
        List<String> received = new CopyOnWriteArrayList<>();
        // [MQTT-3.9.3-1]: one return code per filter; 0x80 for the one the grant does not cover
        app.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            public void connectionLost(Throwable cause) { }
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) { received.add(topic); }
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) { }
        });
        IMqttToken granted = app.subscribeWithResponse(new String[]{"devices/+/up", "devices/#"}, new int[]{0, 0});
        assertThat(granted.getGrantedQos()).containsExactly(0, 0x80);

        MqttClient device = connect("dev-1", token("dev-1", Map.of("pub", List.of("devices/%u/up"))));
        device.publish("devices/dev-2/up", "not mine".getBytes(), 0, false); // outside the grant: dropped
        device.publish("devices/dev-1/up", "mine".getBytes(), 0, false);
        await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
        assertThat(received).containsExactly("devices/dev-1/up");
    }

    @Test
    void badTokenIsRefusedWithBadUserNameOrPassword() throws Exception {
        broker = Broker.builder().listener(Listener.tcp("127.0.0.1", 0))
                .authenticator(JwtAuthenticator.builder(JwtKeys.hmacSecret(JwtAuthenticatorTest.SECRET)).build())
                .build().start();
        String foreign = token("dev-1", Map.of()); // ES256, while the broker expects HS256
        // [MQTT-3.2.2-6] 3.1.1 return code 4 (bad user name or password), then the connection closes
        assertThatThrownBy(() -> connect("dev-1", foreign)).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
    }
}
