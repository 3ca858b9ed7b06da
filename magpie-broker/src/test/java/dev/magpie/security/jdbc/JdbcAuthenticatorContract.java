package dev.magpie.security.jdbc;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.security.password.PasswordHasher;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Credentials;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestBrokers;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every database behind a {@link JdbcAuthenticator} must show, run against a real server or file by
 * each subclass: hash schemes, unknown users passed along, parameters bound (no SQL injection), and a real
 * MQTT client admitted or refused through a broker.
 */
abstract class JdbcAuthenticatorContract {
    private static final PasswordHasher FAST = new PasswordHasher(1_000);

    private final List<AutoCloseable> open = new java.util.ArrayList<>();

    /** The JDBC URL of the database under test. */
    abstract String url();

    /** A table name of this test run's own. */
    abstract String table();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table());
        }
    }

    /** Creates the table with (username, password_hash, salt) rows. */
    void users(String[]... rows) throws SQLException {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table());
            s.execute("CREATE TABLE " + table() + " (username VARCHAR(100) PRIMARY KEY, password_hash VARCHAR(200), salt VARCHAR(64))");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table() + " VALUES (?, ?, ?)")) {
                for (String[] row : rows) {
                    insert.setString(1, row[0]);
                    insert.setString(2, row[1]);
                    insert.setString(3, row.length > 2 ? row[2] : null);
                    insert.executeUpdate();
                }
            }
        }
    }

    JdbcAuthenticator authenticator(HashScheme scheme, String query) {
        JdbcAuthenticator a = JdbcAuthenticator.builder(url()).query(query).hashScheme(scheme).poolSize(2).build();
        open.add(a);
        return a;
    }

    JdbcAuthenticator authenticator(HashScheme scheme) {
        return authenticator(scheme, "SELECT password_hash FROM " + table() + " WHERE username = ?");
    }

    static AuthResult.Outcome ask(JdbcAuthenticator a, String username, String password) throws Exception {
        Credentials c = new Credentials("c1", username, password == null ? null : password.getBytes(StandardCharsets.UTF_8),
                new InetSocketAddress("127.0.0.1", 40000), List.of(), "tcp");
        return a.authenticate(c).toCompletableFuture().get(10, TimeUnit.SECONDS).outcome();
    }

    @Test
    void magpiePbkdf2HashAllowsTheRightPasswordOnly() throws Exception {
        users(new String[]{"alice", FAST.hash("s3cret".toCharArray())});
        JdbcAuthenticator a = authenticator(HashScheme.AUTO);
        assertThat(ask(a, "alice", "s3cret")).isEqualTo(AuthResult.Outcome.ALLOW);
        assertThat(ask(a, "alice", "S3cret")).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(ask(a, "alice", null)).isEqualTo(AuthResult.Outcome.DENY);
    }

    @Test
    void bcryptHashesAsWrittenByWebApplications() throws Exception {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        String twoB = OpenBSDBCrypt.generate("2b", "hunter2".toCharArray(), salt, 4);
        String twoY = OpenBSDBCrypt.generate("2y", "pässword".toCharArray(), salt, 4);
        users(new String[]{"bob", twoB}, new String[]{"carol", twoY});
        JdbcAuthenticator bcrypt = authenticator(HashScheme.BCRYPT);
        assertThat(ask(bcrypt, "bob", "hunter2")).isEqualTo(AuthResult.Outcome.ALLOW);
        assertThat(ask(bcrypt, "bob", "hunter3")).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(ask(bcrypt, "carol", "pässword")).isEqualTo(AuthResult.Outcome.ALLOW);
        // auto recognises bcrypt by its prefix
        assertThat(ask(authenticator(HashScheme.AUTO), "bob", "hunter2")).isEqualTo(AuthResult.Outcome.ALLOW);
    }

    @Test
    void saltedSha256ReadsTheSaltFromTheSecondColumn() throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(("pepper" + "opensesame").getBytes(StandardCharsets.UTF_8)));
        users(new String[]{"dave", digest.toUpperCase(), "pepper"});
        JdbcAuthenticator a = authenticator(HashScheme.SHA256_SALTED,
                "SELECT password_hash, salt FROM " + table() + " WHERE username = ?");
        assertThat(ask(a, "dave", "opensesame")).isEqualTo(AuthResult.Outcome.ALLOW);
        assertThat(ask(a, "dave", "opensesamE")).isEqualTo(AuthResult.Outcome.DENY);
    }

    @Test
    void plainPasswordsAndASchemeMismatchNeverMatchAcrossFormats() throws Exception {
        users(new String[]{"erin", "letmein"}, new String[]{"frank", FAST.hash("x".toCharArray())});
        assertThat(ask(authenticator(HashScheme.PLAIN), "erin", "letmein")).isEqualTo(AuthResult.Outcome.ALLOW);
        assertThat(ask(authenticator(HashScheme.PLAIN), "erin", "letmei")).isEqualTo(AuthResult.Outcome.DENY);
        // a plain value in the table is not a hash: auto refuses to treat it as one
        assertThat(ask(authenticator(HashScheme.AUTO), "erin", "letmein")).isEqualTo(AuthResult.Outcome.DENY);
        // a PBKDF2 hash under the bcrypt scheme is denied, not accepted some other way
        assertThat(ask(authenticator(HashScheme.BCRYPT), "frank", "x")).isEqualTo(AuthResult.Outcome.DENY);
    }

    @Test
    void unknownOrAnonymousClientsAreLeftToTheNextAuthenticator() throws Exception {
        users(new String[]{"alice", FAST.hash("s3cret".toCharArray())});
        JdbcAuthenticator a = authenticator(HashScheme.AUTO);
        assertThat(ask(a, "mallory", "s3cret")).isEqualTo(AuthResult.Outcome.NEXT);
        assertThat(ask(a, null, null)).isEqualTo(AuthResult.Outcome.NEXT);
        // the user name is a bound parameter: SQL in it is just an odd name nobody has
        assertThat(ask(a, "x' OR '1'='1", "s3cret")).isEqualTo(AuthResult.Outcome.NEXT);
    }

    @Test
    void realClientIsAdmittedOrRefusedThroughTheBroker() throws Exception {
        // [MQTT-3.1.4-2]/[MQTT-3.2.2-6]: bad credentials get a refusing CONNACK and the connection is closed
        users(new String[]{"sensor-1", FAST.hash("pw-1".toCharArray())});
        Broker broker = Broker.builder().listener(Listener.tcp("127.0.0.1", 0))
                .authenticator(authenticator(HashScheme.AUTO)).build().start();
        open.add(0, broker::stop);
        MqttClient ok = connect(broker, "sensor-1", "pw-1");
        assertThat(ok.isConnected()).isTrue();
        ok.disconnect();
        ok.close();
        assertThatThrownBy(() -> connect(broker, "sensor-1", "wrong")).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
    }

    private static MqttClient connect(Broker broker, String user, String password) throws MqttException {
        MqttClient client = new MqttClient(TestBrokers.uri(broker), "jdbc-" + user + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = PahoOptions.v3();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        options.setConnectionTimeout(10);
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close();
            throw e;
        }
        return client;
    }
}
