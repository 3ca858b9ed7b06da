package dev.magpie.server.cli;

import dev.magpie.Broker;
import dev.magpie.server.certs.Pem;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.PrometheusText;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code magpie serve} with metrics: the {@code metrics:} section of a real config file in a real process (the loopback
 * port, the token on a ws listener, a config error at its line), and {@code --dev}, whose HTTPS listener serves
 * {@code /metrics}, {@code /health} and {@code /ready}.
 */
class ServeMetricsTest {
    private static final Pattern METRICS_PORT = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics \\(loopback only\\)");
    private static final String TOKEN = "3f1c0ffee0ddba11fa11c0de";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final List<ServeProcess> servers = new ArrayList<>();
    private final List<ServeCommand.Running> running = new ArrayList<>();
    private final List<MqttClient> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopEverything() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnectForcibly(100, 100);
            }
            c.close(true);
        }
        servers.forEach(ServeProcess::close);
        running.forEach(ServeCommand.Running::close);
    }

    private Path config(String metricsSection) throws Exception {
        Path file = dir.resolve("magpie.yaml");
        Files.writeString(file, """
                data_dir: %s
                listeners:
                  - name: tcp
                    type: tcp
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                  - name: ws
                    type: ws
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                %s""".formatted(dir.resolve("data"), metricsSection));
        return file;
    }

    private HttpResponse<String> get(HttpClient client, String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private MqttClient connect(String uri, String clientId) throws Exception {
        MqttClient c = new MqttClient(uri, clientId, new MemoryPersistence());
        clients.add(c);
        MqttConnectOptions o = PahoOptions.v3();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        c.connect(o);
        return c;
    }

    @Test
    void aServeProcessServesItsMetricsOnTheLoopbackPortAndToTheTokenOnItsWsListener() throws Exception {
        ServeProcess serve = ServeProcess.start(Map.of("MAGPIE_METRICS_TOKEN", TOKEN),
                "--config", config("metrics:\n  loopback: true\n  port: 0\n").toString());
        servers.add(serve);
        int tcp = serve.awaitPort("tcp");
        int ws = serve.awaitPort("ws");
        await().atMost(WAIT).until(() -> serve.lines().stream().anyMatch(l -> METRICS_PORT.matcher(l).find()));
        Matcher m = serve.lines().stream().map(METRICS_PORT::matcher).filter(Matcher::find).findFirst().orElseThrow();
        String loopback = "http://127.0.0.1:" + m.group(1);

        connect("tcp://127.0.0.1:" + tcp, "first");
        connect("tcp://127.0.0.1:" + tcp, "second");
        await().atMost(WAIT).untilAsserted(() -> {
            PrometheusText page = PrometheusText.scrape(loopback + "/metrics");
            assertThat(page.value("magpie_connections")).isEqualTo(2);
            assertThat(page.value("magpie_sessions_online")).isEqualTo(2);
            assertThat(page.value("magpie_authentications_total", "result", "accepted", "reason", "anonymous")).isEqualTo(2);
            assertThat(page.value("magpie_eventloop_lag_seconds_count")).isPositive();
            assertThat(page.has("magpie_store_commit_seconds_count")).isTrue(); // persistence is on by default
        });
        assertThat(get(http, loopback + "/ready").body()).isEqualTo("{\"status\":\"ready\"}\n");
        assertThat(get(http, loopback + "/health").body()).isEqualTo("ok\n");

        String onWs = "http://127.0.0.1:" + ws + "/metrics";
        assertThat(get(http, onWs).statusCode()).as("from this machine").isEqualTo(200);
        assertThat(get(http, onWs, "X-Forwarded-For", "198.51.100.7").statusCode()).as("forwarded, no token").isEqualTo(401);
        HttpResponse<String> withToken = get(http, onWs, "X-Forwarded-For", "198.51.100.7", "Authorization", "Bearer " + TOKEN);
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(new PrometheusText(withToken.body()).value("magpie_connections")).isEqualTo(2);

        serve.terminate();
        assertThat(serve.awaitExit(WAIT)).as(serve.output()).isEqualTo(143);
    }

    @Test
    void aBadMetricsKeyStopsServeWithItsLine() throws Exception {
        ServeProcess serve = ServeProcess.start(Map.of(), "--config", config("metrics:\n  path: metrics\n").toString());
        servers.add(serve);
        assertThat(serve.awaitExit(WAIT)).as(serve.output()).isEqualTo(ServeCommand.EXIT_CONFIG_ERROR);
        assertThat(serve.output()).contains("magpie.yaml at line 14, column 3: metrics.path must start with '/'");
    }

    @Test
    void devModeServesMetricsHealthAndReadyOnItsHttpsListener() throws Exception {
        ServeCommand command = new ServeCommand(Map.of());
        new CommandLine(command).parseArgs("--dev", "--port", "0", "--dev-tls-port", "0", "--dev-wss-port", "0",
                "--data-dir", dir.resolve("data").toString());
        ServeCommand.Running started = command.start(new PrintWriter(new StringWriter(), true));
        running.add(started);
        Broker broker = started.broker();
        connect("tcp://127.0.0.1:" + broker.port("tcp"), "dev-client");

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.readCertificates(dir.resolve("data/certs/ca.crt")).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        String base = "https://localhost:" + broker.port(DevListeners.WSS_NAME);

        HttpResponse<String> metrics = get(https, base + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(new PrometheusText(metrics.body()).value("magpie_connections")).isEqualTo(1);
        assertThat(get(https, base + "/ready").statusCode()).isEqualTo(200);
        assertThat(get(https, base + "/health").body()).isEqualTo("ok\n");
    }
}
