package dev.magpie.observe.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.cluster.LocalClusterHub;
import dev.magpie.spi.Ban;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.PrometheusText;
import dev.magpie.testkit.TestCertificates;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code docs/grafana/magpie-dashboard.json} never drifts from the meters: every metric its queries name is in the scrape
 * of a real broker that has seen a little of everything (clients, a retained message, a TLS failure, a ban, a GC).
 */
class GrafanaDashboardTest {
    /** Surefire runs in the module directory; the docs live at the repository root. */
    static final Path DASHBOARD = Path.of("..", "docs", "grafana", "magpie-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b((?:magpie|jvm|process|system)_[a-z0-9_]+)");
    /**
     * The traffic meters of branch issue12-sys (merged by the integrator): until that merge they are not in this
     * branch's scrape. INTEGRATOR: empty this set once issue12-sys is merged, so the test checks them too.
     */
    @TempDir
    Path dir;

    /** Every metric name the dashboard's queries use. */
    static Set<String> queriedMetrics(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        List<JsonNode> exprs = new ArrayList<>(dashboard.findValues("expr"));
        dashboard.path("templating").path("list").forEach(v -> exprs.add(v.path("definition")));
        for (JsonNode expr : exprs) {
            Matcher m = METRIC.matcher(expr.asText());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void everyQueriedMetricIsInTheScrapeOfARunningBroker() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("templating").path("list").findValuesAsText("name")).contains("datasource", "instance");
        assertThat(dashboard.findValues("datasource")).allSatisfy(ds -> assertThat(ds.isObject() ? ds.path("uid").asText() : "${datasource}")
                .isEqualTo("${datasource}"));
        Set<String> queried = queriedMetrics(dashboard);
        assertThat(queried).contains("magpie_cluster_nodes", "magpie_cluster_dropped_total", "magpie_connections", "magpie_messages_dropped_by_reason_total", "magpie_eventloop_lag_seconds_max",
                "jvm_memory_used_bytes");

        TestCertificates certs = TestCertificates.create(dir.resolve("certs"));
        Broker broker = Broker.builder()
                .listener(Listener.tcp("127.0.0.1", 0).anonymous(true))
                .listener(Listener.tls("127.0.0.1", 0, TlsSettings.pem(certs.serverCert, certs.serverKey)))
                .dataDirectory(dir.resolve("data"))
                .ban(Ban.clientId("banned"))
                .metrics(MetricsSettings.defaults().withLoopbackPort(0))
                .cluster(new LocalClusterHub().node("grafana"))   // a cluster node, for the magpie_cluster_* panels
                .build().start();
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.port("tcp"), "grafana", new MemoryPersistence());
        try {
            client.connect(PahoOptions.v3());
            client.subscribe("board/#", 1);
            client.publish("board/retained", "kept".getBytes(StandardCharsets.UTF_8), 1, true);
            MqttClient banned = new MqttClient("tcp://127.0.0.1:" + broker.port("tcp"), "banned", new MemoryPersistence());
            assertThatThrownBy(() -> banned.connect(PahoOptions.v3())).isInstanceOf(MqttException.class);
            banned.close();
            try (Socket plain = new Socket("127.0.0.1", broker.port("tls"))) {
                plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = plain.getInputStream();
                while (in.read() != -1) {
                    // until the broker closes it
                }
            }
            System.gc(); // the GC meters appear with the first collection the JVM reports

            String url = "http://127.0.0.1:" + broker.metricsAddress().getPort() + "/metrics";
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                Set<String> scraped = PrometheusText.scrape(url).names();
                Set<String> expected = new TreeSet<>(queried);
                assertThat(scraped).as("metrics the dashboard queries, all in the scrape").containsAll(expected);
            });
        } finally {
            client.disconnect();
            client.close();
            broker.stop();
        }
    }
}
