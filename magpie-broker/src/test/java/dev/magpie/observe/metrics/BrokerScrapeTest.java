package dev.magpie.observe.metrics;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.PrometheusText;
import dev.magpie.testkit.TestCertificates;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A real broker (password users, an ACL-like authorizer, SQLite persistence, a TLS listener) with {@code /metrics} on a
 * loopback port, real Paho clients making traffic, and the scrape read as Prometheus reads it: every value the issue
 * lists is checked by its Prometheus name.
 */
class BrokerScrapeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** alice/alice-pw; anything else with a user name is denied; no user name: anonymous (the listener allows it). */
    private static final Authenticator USERS = c -> CompletableFuture.completedFuture(c.username() == null ? AuthResult.next()
            : c.username().equals("alice") && c.password() != null && new String(c.password(), StandardCharsets.UTF_8).equals("alice-pw")
            ? AuthResult.allow() : AuthResult.deny("bad password"));
    /** Publishing under forbidden/ is denied; the rest allowed. */
    private static final Authorizer RULES = new Authorizer() {
        @Override
        public Decision authorizePublish(ClientInfo client, String topic, int qos, boolean retain) {
            return topic.startsWith("forbidden/") ? Decision.DENY : Decision.ALLOW;
        }

        @Override
        public Decision authorizeSubscribe(ClientInfo client, String filter, int qos) {
            return Decision.ALLOW;
        }
    };

    @TempDir
    Path dir;
    private Broker broker;
    private final List<MqttClient> clients = new ArrayList<>();
    private String metricsUrl;

    @BeforeEach
    void start() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("certs"));
        broker = Broker.builder()
                .listener(Listener.tcp("127.0.0.1", 0).anonymous(true))
                .listener(Listener.tls("127.0.0.1", 0, TlsSettings.pem(certs.serverCert, certs.serverKey)).named("secure"))
                .authenticator(USERS)
                .authorizer(RULES)
                .dataDirectory(dir.resolve("data"))
                .metrics(MetricsSettings.defaults().withLoopbackPort(0))
                .build().start();
        metricsUrl = "http://127.0.0.1:" + broker.metricsAddress().getPort() + "/metrics";
    }

    @AfterEach
    void stop() throws MqttException {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnectForcibly(100, 100);
            }
            c.close();
        }
        broker.stop();
    }

    private MqttClient connect(String clientId, String user, String password, boolean cleanSession) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.port("tcp"), clientId, new MemoryPersistence());
        clients.add(client);
        MqttConnectOptions o = PahoOptions.v3();
        o.setCleanSession(cleanSession);
        o.setAutomaticReconnect(false);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1); // the default would retry a refused CONNECT as 3.1
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.toCharArray());
        }
        client.connect(o);
        return client;
    }

    private PrometheusText scrape() {
        return PrometheusText.scrape(metricsUrl);
    }

    @Test
    void connectionsSessionsAndLoginsAreCountedUnderTheirPrometheusNames() throws Exception {
        connect("one", "alice", "alice-pw", true);
        connect("two", null, null, true);
        assertThatThrownBy(() -> connect("three", "alice", "wrong", true)).isInstanceOf(MqttException.class);

        await().atMost(WAIT).untilAsserted(() -> {
            PrometheusText page = scrape();
            assertThat(page.value("magpie_connections")).as("connections").isEqualTo(2);
            assertThat(page.value("magpie_sessions_online")).as("online").isEqualTo(2);
            assertThat(page.value("magpie_authentications_total", "result", "accepted", "reason", "authenticator")).as("alice").isEqualTo(1);
            assertThat(page.value("magpie_authentications_total", "result", "accepted", "reason", "anonymous")).as("anonymous").isEqualTo(1);
            assertThat(page.value("magpie_authentications_total", "result", "refused", "reason", "denied")).as("denied").isEqualTo(1);
            assertThat(page.value("magpie_authentications_total", "result", "refused", "reason", "throttled")).isZero();
        });
        PrometheusText page = scrape();
        assertThat(page.type("magpie_authentications_total")).isEqualTo("counter");
        assertThat(page.type("magpie_connections")).isEqualTo("gauge");
    }

    @Test
    void plainTextToTheTlsPortIsATlsHandshakeFailure() throws Exception {
        try (Socket plain = new Socket("127.0.0.1", broker.port("secure"))) {
            plain.setSoTimeout(5_000);
            plain.getOutputStream().write(new byte[]{0x10, 0x0C, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 0});
            InputStream in = plain.getInputStream();
            while (in.read() != -1) {
                // an alert may come first, then the close
            }
        }
        await().atMost(WAIT).until(() -> scrape().value("magpie_tls_handshake_failures_total", "listener", "secure", "kind", "not_tls") == 1);
    }

    @Test
    void offlineSessionsQueuesDropsAuthorizationAndTakeoversShowUp() throws Exception {
        MqttClient away = connect("away", null, null, false);
        away.subscribe("news/#", 1);
        away.disconnect();
        MqttClient publisher = connect("pub", null, null, true);
        publisher.publish("news/a", "queued for away".getBytes(StandardCharsets.UTF_8), 1, false);
        publisher.publish("nobody/listens", "dropped".getBytes(StandardCharsets.UTF_8), 1, false);
        publisher.publish("forbidden/x", "denied".getBytes(StandardCharsets.UTF_8), 1, false);
        connect("pub", null, null, true); // the same client id again: the first connection is taken over

        await().atMost(WAIT).untilAsserted(() -> {
            PrometheusText page = scrape();
            assertThat(page.value("magpie_sessions_offline")).isEqualTo(1);
            assertThat(page.value("magpie_sessions")).isEqualTo(2);
            assertThat(page.value("magpie_subscriptions")).isEqualTo(1);
            assertThat(page.value("magpie_messages_queued")).isEqualTo(1);
            assertThat(page.value("magpie_messages_dropped_by_reason_total", "reason", "no_subscribers")).isEqualTo(1);
            assertThat(page.value("magpie_messages_dropped_by_reason_total", "reason", "queue_full")).isZero();
            assertThat(page.value("magpie_messages_dropped_total")).as("what sessions discarded: nothing").isZero();
            assertThat(page.value("magpie_authorizations_total", "action", "publish", "result", "denied")).isEqualTo(1);
            assertThat(page.value("magpie_authorizations_total", "action", "publish", "result", "allowed")).isEqualTo(2);
            assertThat(page.value("magpie_authorizations_total", "action", "subscribe", "result", "allowed")).isEqualTo(1);
            assertThat(page.value("magpie_takeovers_total", "session", "replaced")).isEqualTo(1);
        });
    }

    @Test
    void storeCommitsEventLoopLagAndTheJvmAreMeasured() throws Exception {
        MqttClient client = connect("keeper", null, null, true);
        client.publish("kept/one", "retained".getBytes(StandardCharsets.UTF_8), 1, true);
        // the lag probe runs once a second on each loop
        await().atMost(WAIT).untilAsserted(() -> {
            PrometheusText page = scrape();
            assertThat(page.value("magpie_retained")).isEqualTo(1);
            assertThat(page.value("magpie_retained_bytes")).isPositive();
            assertThat(page.value("magpie_store_commit_seconds_count")).isPositive();
            assertThat(page.value("magpie_store_commit_writes_sum")).isPositive();
            assertThat(page.value("magpie_store_commits_total")).isPositive();
            assertThat(page.has("magpie_store_queued_writes")).isTrue();
            assertThat(page.value("magpie_store_dropped_writes_total")).isZero();
            assertThat(page.value("magpie_eventloop_lag_seconds_count", "loop", "0")).isPositive();
        });
        PrometheusText page = scrape();
        assertThat(page.value("jvm_memory_used_bytes", "area", "heap")).isPositive();
        assertThat(page.has("jvm_threads_live_threads")).isTrue();
        assertThat(page.has("jvm_classes_loaded_classes")).isTrue();
        assertThat(page.has("process_uptime_seconds")).isTrue();
        assertThat(page.has("system_cpu_count")).isTrue();
    }

    @Test
    void everyMagpieMetricIsNamedInPrometheusStyle() {
        PrometheusText page = scrape();
        assertThat(page.types()).isNotEmpty();
        page.types().forEach((family, type) -> {
            if (family.startsWith("magpie_")) {
                assertThat(family).as(type).matches("magpie_[a-z0-9_]+");
                if (type.equals("counter")) {
                    assertThat(family).endsWith("_total");
                } else {
                    assertThat(family).as(type).doesNotEndWith("_total");
                }
                if (type.equals("histogram")) {
                    assertThat(family).endsWith("_seconds"); // timers are in seconds, Prometheus' base unit
                }
            }
        });
        assertThat(page.types()).containsEntry("magpie_store_commit_seconds", "histogram")
                .containsEntry("magpie_eventloop_lag_seconds", "histogram").containsEntry("magpie_sessions_offline", "gauge")
                .containsEntry("magpie_store_dropped_writes_total", "counter");
    }
}
