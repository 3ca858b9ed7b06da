package dev.magpie.security.jdbc;

import dev.magpie.Broker;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.ReasonCode;
import dev.magpie.security.AuthenticationChain;
import dev.magpie.security.throttle.FairExecutor;
import dev.magpie.security.throttle.LoginThrottle;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Credentials;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A database that is down or does not answer: the client is refused (fail closed), quickly, with one log line. */
class JdbcAuthenticatorOutageTest {
    private static final Credentials ALICE = new Credentials("c1", "alice", "pw".getBytes(StandardCharsets.UTF_8),
            new InetSocketAddress("127.0.0.1", 40000), List.of(), "tcp");

    @Test
    void refusedConnectionDeniesWithOneLineAndNoStackTrace() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (LogCapture log = LogCapture.of(JdbcAuthenticator.class);
             JdbcAuthenticator a = JdbcAuthenticator.builder("jdbc:postgresql://127.0.0.1:" + closedPort + "/x?user=u&password=secret")
                     .timeout(Duration.ofMillis(500)).build()) {
            AuthResult result = a.authenticate(ALICE).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(result.outcome()).isEqualTo(AuthResult.Outcome.DENY);
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("unavailable").contains("client c1 refused")
                    .contains("password=***").doesNotContain("secret"));
            assertThat(log.anyStackTrace()).isFalse();
        }
    }

    @Test
    void databaseThatNeverAnswersIsCutOffByTheChainTimeout() throws Exception {
        // accepts TCP connections (the kernel does, from the backlog) but never speaks: a hung database
        FairExecutor chainThreads = new FairExecutor(2, 16, 4, Thread::new);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             JdbcAuthenticator a = JdbcAuthenticator.builder("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/x?user=u")
                     .timeout(Duration.ofSeconds(2)).build()) {
            AuthenticationChain chain = new AuthenticationChain(List.of(a), chainThreads, Duration.ofMillis(400),
                    new LoginThrottle(5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10), 100), why -> { }, System::nanoTime);
            long start = System.nanoTime();
            AuthenticationChain.Attempt result = chain.authenticate(ALICE).get(10, TimeUnit.SECONDS);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            // refused as "server unavailable", never as bad credentials (issue 10)
            assertThat(result.unavailable()).isEqualTo(AuthenticationChain.Unavailable.TIMED_OUT);
            assertThat(tookMillis).isLessThan(5_000);
            // and the lookup itself gives up after its own timeout instead of holding a thread for ever
            AuthResult direct = a.authenticate(ALICE).toCompletableFuture().get(15, TimeUnit.SECONDS);
            assertThat(direct.outcome()).isEqualTo(AuthResult.Outcome.DENY);
        } finally {
            chainThreads.shutdownNow();
        }
    }

    @Test
    void hungDatabaseBlocksNoEventLoopAndTheWaitingClientIsRefusedInTime() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             JdbcAuthenticator a = JdbcAuthenticator.builder("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/x?user=u")
                     .timeout(Duration.ofSeconds(2)).build()) {
            Broker broker = TestBrokers.anonymous(
                    BrokerSettings.defaults().withAuthenticationTimeout(Duration.ofMillis(700))).authenticator(a).build().start();
            try {
                // an anonymous client (no user name: the database is not asked) is connected first
                MqttClient watcher = new MqttClient(
                        TestBrokers.uri(broker), "watcher", new MemoryPersistence());
                watcher.connect();
                List<String> got = new CopyOnWriteArrayList<>();
                watcher.subscribe("t/#", 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
                // a login that waits on the hung database...
                CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> {
                    try (RawMqttClient raw = RawMqttClient.connect("127.0.0.1", broker.port("tcp"))) {
                        Connect hello = new Connect(MqttVersion.V3_1_1, "waiting", true, 30, "alice", "pw".getBytes(StandardCharsets.UTF_8),
                                null, MqttProperties.EMPTY);
                        return raw.version(MqttVersion.V3_1_1).send(hello).receive(ConnAck.class, Duration.ofSeconds(10)).reasonCode();
                    }
                });
                // ...while the broker keeps serving the connected client
                watcher.publish("t/1", "still flowing".getBytes(StandardCharsets.UTF_8), 1, false);
                await().atMost(Duration.ofSeconds(5)).until(() -> got.contains("still flowing"));
                assertThat(login).isNotDone();
                // [MQTT-3.2.2-6] then the waiting client is refused (fail closed) as "come back later", never as bad
                // credentials (issue 10): 3.1.1 return code 3 Server unavailable, decoded as 0x88
                assertThat(login.get(10, TimeUnit.SECONDS)).isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
                watcher.disconnect();
                watcher.close();
            } finally {
                broker.stop();
            }
        }
    }

    @Test
    void notAJdbcUrlIsRefusedAtConfiguration() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JdbcAuthenticator.builder("postgres://db/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:");
    }
}
