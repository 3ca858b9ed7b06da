package dev.magpie.server.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.security.password.PasswordHasher;
import dev.magpie.server.config.ConfigLoader;
import dev.magpie.testkit.PahoOptions;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server configured with {@code security.authentication: [http, jwt, jdbc, builtin]} and real MQTT clients:
 * the providers are asked in the listed order, and a JWT's ACL claim is enforced.
 */
class AuthenticationProvidersEndToEndTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private HttpServer endpoint;
    private ServerSecurity security;
    private Broker broker;
    private final List<MqttClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        // the endpoint blocks one user outright and has no opinion about the others
        endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.createContext("/auth", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] answer = "{\"result\":\"ignore\"}".getBytes(StandardCharsets.UTF_8);
            if (body.contains("\"username\":\"blocked\"")) {
                exchange.sendResponseHeaders(403, -1);
            } else {
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        endpoint.start();
        String db = dir.resolve("users.db").toString();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (login TEXT PRIMARY KEY, pw TEXT)");
            String hash = new PasswordHasher(1_000).hash("db-pw".toCharArray());
            s.execute("INSERT INTO accounts VALUES ('dbuser', '" + hash + "'), ('blocked', '" + hash + "')");
        }
        Path yaml = Files.writeString(dir.resolve("magpie.yaml"), """
                data_dir: %s
                security:
                  authentication:
                    - type: http
                      url: http://127.0.0.1:%d/auth
                      timeout: 2s
                    - type: jwt
                      algorithm: HS256
                      secret: %s
                    - type: jdbc
                      url: jdbc:sqlite:%s
                      query: SELECT pw FROM accounts WHERE login = ?
                    - type: builtin
                """.formatted(dir.resolve("data"), endpoint.getAddress().getPort(), SECRET, db));
        security = ServerSecurity.open(new ConfigLoader(Map.of()).load(yaml));
        broker = security.applyTo(Broker.builder().listener(Listener.tcp("127.0.0.1", 0))).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
        broker.stop();
        security.close();
        endpoint.stop(0);
    }

    private MqttClient connect(String user, String password) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.port("tcp"), "e2e-" + clients.size(), new MemoryPersistence());
        clients.add(client);
        MqttConnectOptions options = PahoOptions.v3();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        client.connect(options);
        return client;
    }

    @Test
    void providersAreAskedInTheListedOrder() throws Exception {
        assertThat(security.describe()).contains("endpoint http://127.0.0.1:").contains("then HS256 tokens, then database jdbc:sqlite:")
                .contains("then built-in users");
        assertThat(connect("dbuser", "db-pw").isConnected()).isTrue();
        // [MQTT-3.2.2-6] refused: the database is never reached for a user the endpoint denied first
        assertThatThrownBy(() -> connect("blocked", "db-pw")).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
        assertThatThrownBy(() -> connect("dbuser", "wrong")).isInstanceOf(MqttException.class);
    }

    @Test
    void aTokensAclClaimBindsThatClientOnly() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("dev-1")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .claim("acl", Map.of("sub", List.of("devices/dev-1/#"))).build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        MqttClient device = connect("dev-1", jwt.serialize());
        // [MQTT-3.9.3-1] one return code per filter: 0x80 where the grant does not reach
        assertThat(device.subscribeWithResponse(new String[]{"devices/dev-1/cmd", "devices/dev-2/cmd"}, new int[]{1, 1})
                .getGrantedQos()).containsExactly(1, 0x80);
        // no ACL file: a client without a grant is not limited
        MqttClient app = connect("dbuser", "db-pw");
        assertThat(app.subscribeWithResponse(new String[]{"devices/dev-2/cmd"}, new int[]{1}).getGrantedQos()).containsExactly(1);
    }
}
