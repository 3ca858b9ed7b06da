package dev.magpie.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.magpie.server.certs.Pem;
import dev.magpie.store.UserStore;
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
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code serve --dev} serves the admin API on its HTTPS listener (dev-wss, 8443 by default) to admin users. */
class AdminApiDevModeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<ServeCommand.Running> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(ServeCommand.Running::close);
    }

    @Test
    void anAdminLogsInOverHttpsOnTheDevListener() throws Exception {
        Path data = dir.resolve("data");
        try (UserStore users = UserStore.open(data)) {
            users.add("root", "root-pw".toCharArray(), true);
        }
        ServeCommand serve = new ServeCommand(Map.of());
        new CommandLine(serve).parseArgs("--dev", "--port", "0", "--dev-tls-port", "0", "--dev-wss-port", "0", "--data-dir", data.toString());
        ServeCommand.Running started = serve.start(new PrintWriter(new StringWriter(), true));
        running.add(started);
        int port = started.broker().port(DevListeners.WSS_NAME);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.readCertificates(data.resolve("certs/ca.crt")).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(tls).build();

        HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/v1/login"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"root\",\"password\":\"root-pw\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String token = JSON.readTree(login.body()).get("token").asText();
        HttpResponse<String> listeners = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/v1/listeners"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(listeners.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(listeners.body()).get("items")).extracting(n -> n.get("name").asText())
                .contains(DevListeners.WSS_NAME, DevListeners.TLS_NAME);
    }
}
