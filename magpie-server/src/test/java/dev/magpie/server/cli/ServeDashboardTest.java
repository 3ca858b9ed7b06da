package dev.magpie.server.cli;

import dev.magpie.Broker;
import dev.magpie.server.certs.Pem;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code magpie serve} serves the dashboard: on the {@code --dev} HTTPS listener (8443 by default, here a free port),
 * on a plain ws listener bound to loopback, and not on a plain ws listener reachable from the network; only with the
 * admin API, and not with {@code admin.dashboard: false}.
 */
class ServeDashboardTest {
    @TempDir
    Path dir;

    private final List<ServeCommand.Running> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(ServeCommand.Running::close);
    }

    private Broker serve(String... args) throws ServeCommand.StartException {
        ServeCommand serve = new ServeCommand(Map.of());
        new CommandLine(serve).parseArgs(args);
        ServeCommand.Running started = serve.start(new PrintWriter(new StringWriter(), true));
        running.add(started);
        return started.broker();
    }

    @Test
    void devModeServesTheDashboardOverHttpsWithItsSecurityHeaders() throws Exception {
        Path data = dir.resolve("data");
        Broker broker = serve("--dev", "--port", "0", "--dev-tls-port", "0", "--dev-wss-port", "0", "--data-dir", data.toString());
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(data.resolve("certs/ca.crt")))
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI uri = URI.create("https://localhost:" + broker.port(DevListeners.WSS_NAME) + "/dashboard/");
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Magpie dashboard</title>");
        assertThat(page.headers().firstValue("content-security-policy")).get().asString().startsWith("default-src 'self'");
        assertThat(page.headers().firstValue("x-frame-options")).contains("DENY");
        HttpResponse<String> script = client.send(HttpRequest.newBuilder(uri.resolve("js/mqtt-ws.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(script.headers().firstValue("content-type")).contains("text/javascript; charset=utf-8");
        assertThat(script.body()).contains("[MQTT-6.0.0-3]");
    }

    @Test
    void plainHttpIsServedOnALoopbackListenerOnlyNeverOnOneOpenToTheNetwork() throws Exception {
        Path config = Files.writeString(dir.resolve("magpie.yaml"), """
                data_dir: %s
                admin: {enabled: true}
                listeners:
                  - {name: local, type: ws, bind: 127.0.0.1, port: 0}
                  - {name: open, type: ws, bind: 0.0.0.0, port: 0}
                """.formatted(dir.resolve("data")));
        Broker broker = serve("--config", config.toString());
        HttpClient client = HttpClient.newHttpClient();

        HttpResponse<String> local = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + broker.port("local") + "/dashboard")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(local.statusCode()).isEqualTo(308);
        assertThat(local.headers().firstValue("location")).contains("/dashboard/");
        HttpResponse<String> open = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + broker.port("open") + "/dashboard/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(open.statusCode()).isEqualTo(403);
        assertThat(open.body()).contains("only served over HTTPS");
    }

    @Test
    void theDashboardIsOffWithTheApiOrWithAdminDashboardFalse() throws Exception {
        for (String admin : new String[] {"{enabled: false}", "{enabled: true, dashboard: false}"}) {
            Path config = Files.writeString(dir.resolve("magpie.yaml"), """
                    data_dir: %s
                    admin: %s
                    listeners:
                      - {name: local, type: ws, bind: 127.0.0.1, port: 0}
                    """.formatted(dir.resolve("data"), admin));
            Broker broker = serve("--config", config.toString());
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + broker.port("local") + "/dashboard/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(admin).isEqualTo(404);
            assertThat(page.body()).as(admin).doesNotContain("js/app.js");
            stop();
            running.clear();
        }
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.readCertificates(caFile).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
