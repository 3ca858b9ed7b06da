package dev.magpie.clients;

import com.sun.net.httpserver.HttpServer;
import dev.magpie.Broker;
import dev.magpie.BrokerCapabilities;
import dev.magpie.BrokerSettings;
import dev.magpie.Listener;
import dev.magpie.security.password.PasswordHasher;
import dev.magpie.store.UserStore;
import dev.magpie.store.UserStoreAuthenticator;
import dev.magpie.store.UserStoreScramAuthenticator;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT.js with protocolVersion 5, one node:test file per MQTT 5 feature in {@code clients/js/test/mqtt5}. Every
 * {@code *.test.js} there is found and run as one test here, so a new feature file needs no change to this class.
 * Each file gets fresh brokers, so retained messages and sessions of one feature never meet another's:
 * <ul>
 *   <li>the default broker ({@code MAGPIE_TCP_PORT}, {@code MAGPIE_WS_PORT}): every MQTT 5 feature on, Response
 *       Information {@value #RESPONSE_INFORMATION} + client id for clients that ask;</li>
 *   <li>a restricted broker ({@code MAGPIE_RESTRICTED_TCP_PORT}): Maximum QoS 1, retain, wildcard and shared
 *       subscriptions and subscription identifiers off, Topic Alias Maximum 3, Receive Maximum 9, Maximum Packet
 *       Size 4096, maximum keep-alive 30 s, for the suites that check what a client is told and held to;</li>
 *   <li>a SCRAM broker ({@code MAGPIE_SCRAM_TCP_PORT}): no anonymous clients, the built-in user database with
 *       one user ({@code MAGPIE_SCRAM_USER}, {@code MAGPIE_SCRAM_PASSWORD}) for user name + password and for
 *       enhanced authentication with SCRAM-SHA-256;</li>
 *   <li>a control endpoint ({@code MAGPIE_CONTROL_URL}): a POST to {@code /broker/stop} stops the default broker,
 *       so a script can see the DISCONNECT 0x8B a shutdown sends.</li>
 * </ul>
 * The spec rule each case proves is named in the scripts; {@code docs/mqtt5.md} lists the features covered.
 */
class MqttJsMqtt5Test {
    private static final Path SUITES = NodeScripts.CLIENTS.resolve("test/mqtt5");
    static final String RESPONSE_INFORMATION = "magpie/replies/";
    static final String SCRAM_USER = "ada";
    static final String SCRAM_PASSWORD = "analytical engine";

    private Broker broker;
    private Broker restricted;
    private UserStore users;
    private Broker scram;
    private HttpServer control;

    static List<String> featureFiles() throws IOException {
        try (Stream<Path> files = Files.list(SUITES)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".test.js")).sorted().toList();
        }
    }

    @BeforeEach
    void start() throws IOException {
        broker = TestBrokers.anonymous()
                .listener(Listener.ws("127.0.0.1", 0).anonymous(true))
                .capabilities(BrokerCapabilities.all().withResponseInformation(RESPONSE_INFORMATION))
                .build().start();
        restricted = TestBrokers.anonymous()
                .capabilities(new BrokerCapabilities(1, false, false, false, false, 3, ""))
                .settings(BrokerSettings.defaults().withMaxPacketSize(4096).withReceiveMaximum(9).withMaxKeepAlive(30))
                .build().start();
        // few PBKDF2-SHA-512 rounds: the suites test the protocol, not the hash cost (SCRAM keeps its 4096)
        users = UserStore.inMemory(new PasswordHasher(1_000));
        users.add(SCRAM_USER, SCRAM_PASSWORD.toCharArray());
        scram = Broker.builder()
                .listener(Listener.tcp("127.0.0.1", 0).anonymous(false))
                .authenticator(new UserStoreAuthenticator(users))
                .enhancedAuthenticator(new UserStoreScramAuthenticator(users))
                .build().start();
        control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        control.createContext("/broker/stop", exchange -> {
            if ("POST".equals(exchange.getRequestMethod())) {
                broker.stop();
                exchange.sendResponseHeaders(204, -1);
            } else {
                exchange.sendResponseHeaders(405, -1);
            }
            exchange.close();
        });
        control.start();
    }

    @AfterEach
    void stop() {
        if (control != null) {
            control.stop(0);
        }
        if (restricted != null) {
            restricted.stop();
        }
        if (scram != null) {
            scram.stop();
        }
        if (users != null) {
            users.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("featureFiles")
    void mqttJsWithProtocolVersion5(String file) throws Exception {
        NodeScripts.requireNode();
        NodeScripts.run("mqtt5/" + file, Map.of(
                "MAGPIE_TCP_PORT", String.valueOf(broker.port("tcp")),
                "MAGPIE_WS_PORT", String.valueOf(broker.port("ws")),
                "MAGPIE_RESTRICTED_TCP_PORT", String.valueOf(restricted.port("tcp")),
                "MAGPIE_SCRAM_TCP_PORT", String.valueOf(scram.port("tcp")),
                "MAGPIE_SCRAM_USER", SCRAM_USER,
                "MAGPIE_SCRAM_PASSWORD", SCRAM_PASSWORD,
                "MAGPIE_CONTROL_URL", "http://127.0.0.1:" + control.getAddress().getPort()));
    }

    @Test
    void everyMqtt5FeatureHasASuite() throws IOException {
        // a renamed or emptied folder would otherwise pass silently with nothing run
        assertThat(featureFiles()).contains("capabilities.test.js", "enhanced-auth.test.js", "flow-control.test.js", "message-expiry.test.js",
                "request-response.test.js", "server-disconnect.test.js", "server-shutdown.test.js", "shared-subscriptions.test.js",
                "subscription-identifiers.test.js", "subscription-options.test.js", "topic-alias.test.js", "will.test.js");
    }
}
