package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.codec.Auth;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.security.password.PasswordHasher;
import dev.magpie.store.UserStore;
import dev.magpie.store.UserStoreAuthenticator;
import dev.magpie.store.UserStoreScramAuthenticator;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.ScramClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * SCRAM-SHA-256 end to end against the built-in user database: the HiveMQ client (with the SCRAM mechanism a
 * user of that client would write, {@link ScramMechanism}) connects and re-authenticates; a raw client
 * checks the packets; a user whose password predates SCRAM credentials is refused with a log line that says
 * what to do.
 */
class ScramEnhancedAuthTest {
    private static final PasswordHasher FAST = new PasswordHasher(1_000);
    private UserStore users;
    private Mqtt5Fixture f;

    private void start(UserStore store) {
        users = store;
        // a listener that refuses anonymous clients: only SCRAM or user name + password get in
        f = Mqtt5Fixture.start(Broker.builder().listener(Listener.tcp("127.0.0.1", 0).anonymous(false))
                .authenticator(new UserStoreAuthenticator(store))
                .enhancedAuthenticator(new UserStoreScramAuthenticator(store)));
    }

    private void startWithAlice() {
        UserStore store = UserStore.inMemory(FAST);
        store.add("alice", "wonder land".toCharArray());
        start(store);
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
        if (users != null) {
            users.close();
        }
    }

    @Test
    void theHivemqClientConnectsAndReauthenticatesWithScram_MQTT_4_12_1_1() throws Exception {
        startWithAlice();
        ScramMechanism scram = new ScramMechanism("alice", "wonder land");
        Mqtt5BlockingClient client = f.track(f.hivemqBuilder("scram-hm").enhancedAuth(scram).buildBlocking());
        Mqtt5ConnAck ack = client.connect();
        assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(ack.getEnhancedAuth().orElseThrow().getMethod().toString()).isEqualTo("SCRAM-SHA-256");
        assertThat(scram.serverVerified.get()).as("server signature checked by the client").isEqualTo(1);

        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith().topicFilter("scram/#").qos(MqttQos.AT_LEAST_ONCE).send();
            client.reauth();
            assertThat(scram.serverVerified.get()).as("re-authentication verified too").isEqualTo(2);
            client.publishWith().topic("scram/after").qos(MqttQos.AT_LEAST_ONCE).payload("still in".getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> received = publishes.receive(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(received).isPresent();
            assertThat(new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("still in");
        }
        assertThat(client.getState().isConnected()).isTrue();
    }

    @Test
    void aWrongPasswordIsRefusedWith0x86() {
        startWithAlice();
        ScramMechanism scram = new ScramMechanism("alice", "wonderland");
        Mqtt5BlockingClient client = f.track(f.hivemqBuilder("scram-wrong").enhancedAuth(scram).buildBlocking());
        Mqtt5ConnAckException e = catchThrowableOfType(client::connect, Mqtt5ConnAckException.class);
        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(scram.serverVerified.get()).isZero();
    }

    private static MqttProperties scramData(byte[] data) {
        return MqttProperties.builder().string(PropertyId.AUTHENTICATION_METHOD, "SCRAM-SHA-256")
                .binary(PropertyId.AUTHENTICATION_DATA, data).build();
    }

    /** Runs the SCRAM exchange on a raw connection and returns the CONNACK. */
    private ConnAck rawLogin(RawMqttClient c, ScramClient scram) {
        c.send(new Connect(MqttVersion.V5, "scram-raw", true, 60, null, null, null, scramData(scram.clientFirst())));
        Auth first = c.receive(Auth.class, WAIT);
        assertThat(first.reasonCode()).isEqualTo(ReasonCode.CONTINUE_AUTHENTICATION);
        c.send(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, scramData(scram.clientFinal(first.properties().binary(PropertyId.AUTHENTICATION_DATA).orElseThrow()))));
        return c.receive(ConnAck.class, WAIT);
    }

    @Test
    void guessingThroughScramExchangesIsThrottledLikePasswords() {
        // issue 10: the login throttle covers AUTH exchanges too, or SCRAM would be the unthrottled way to guess
        startWithAlice();
        for (int i = 0; i < 5; i++) { // the default free failures
            assertThat(rawLogin(f.socket(), new ScramClient("alice", "guess-" + i)).reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
        RawMqttClient c = f.socket();
        c.send(new Connect(MqttVersion.V5, "scram-raw", true, 60, null, null, null,
                scramData(new ScramClient("alice", "wonder land").clientFirst())));
        // refused at once, before any challenge: 0x97 Quota exceeded, a limit, not a verdict on the password
        assertThat(c.receive(ConnAck.class, WAIT).reasonCode()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
    }

    @Test
    void theRawExchangeEndsWithTheServerSignatureInConnack_MQTT_4_12_0_5() {
        startWithAlice();
        ScramClient scram = new ScramClient("alice", "wonder land");
        ConnAck ack = rawLogin(f.socket(), scram);
        assertThat(ack.reasonCode()).isZero();
        assertThat(ack.properties().string(PropertyId.AUTHENTICATION_METHOD)).contains("SCRAM-SHA-256");
        assertThat(scram.verifyServerFinal(ack.properties().binary(PropertyId.AUTHENTICATION_DATA).orElseThrow())).isTrue();
    }

    @Test
    void aUserWhosePasswordPredatesScramIsRefusedWithAHintAndKeepsPasswordLogin(@TempDir Path dir) throws Exception {
        // a database as the first Magpie version wrote it: schema 1, no SCRAM column
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(UserStore.FILE_NAME));
             Statement s = db.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            s.execute("INSERT INTO schema_version (version) VALUES (1)");
            s.execute("CREATE TABLE users (name TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)");
            s.execute("INSERT INTO users VALUES ('old', '" + FAST.hash("before".toCharArray()) + "', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
        }
        start(UserStore.open(dir, FAST));

        try (LogCapture log = LogCapture.of("dev.magpie.protocol.ConnectGate")) {
            ConnAck refused = rawLogin(f.socket(), new ScramClient("old", "before"));
            assertThat(refused.reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
            assertThat(log.messages()).anyMatch(m -> m.contains("no SCRAM-SHA-256 credential") && m.contains("magpie user passwd old"));
            assertThat(log.anyStackTrace()).isFalse();
        }
        // the same user still gets in with user name and password
        RawMqttClient plain = f.socket();
        ConnAck ok = f.connAck(plain, new Connect(MqttVersion.V5, "scram-old-plain", true, 60, "old",
                "before".getBytes(StandardCharsets.UTF_8), null, MqttProperties.EMPTY));
        assertThat(ok.reasonCode()).isZero();
        // and once the password is set again, with SCRAM too
        users.setPassword("old", "after".toCharArray());
        assertThat(rawLogin(f.socket(), new ScramClient("old", "after")).reasonCode()).isZero();
    }
}
