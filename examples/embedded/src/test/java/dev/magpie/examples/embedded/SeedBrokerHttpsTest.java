package dev.magpie.examples.embedded;

import dev.magpie.Broker;
import dev.magpie.clients.NodeScripts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's other half: the HTTPS port answers "hello world!" at / and carries MQTT over secure WebSocket for the
 * mini program's {@code wxs://}, on a certificate Magpie's own code made. MQTT.js's bundle talks to it through a
 * {@code wx.connectSocket} shim (clients/js/test/seed-example.test.js), trusting only the CA the example made.
 */
class SeedBrokerHttpsTest {
    @TempDir
    static Path dir;
    static SeedCertificates certificates;
    static Broker broker;

    @BeforeAll
    static void start() throws Exception {
        certificates = SeedCertificates.ensure(dir.resolve("seed-certs"), "localhost");
        broker = SeedBroker.create("127.0.0.1", 0, 0, certificates.tls(), Map.of("test", "123456")).start();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void theHttpsPortAnswersHelloWorldAtTheRootOnTheExamplesOwnCertificate() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(certificates.caCertificate()))
                .connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + broker.port("wss") + "/"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("hello world!");
    }

    @Test
    void theCertificatesAreMadeOnceAndKeptForTheNextStart() throws Exception {
        byte[] before = Files.readAllBytes(certificates.serverChain());

        SeedCertificates again = SeedCertificates.ensure(dir.resolve("seed-certs"), "localhost");

        assertThat(Files.readAllBytes(again.serverChain())).isEqualTo(before);
        assertThat(Files.readString(again.serverChain())).startsWith("-----BEGIN CERTIFICATE-----");
    }

    /** [MQTT-6.0.0-1] MQTT in binary WebSocket frames, [MQTT-6.0.0-4] the "mqtt" subprotocol echoed, over wxs://. */
    @Test
    void aMiniProgramLogsInOverWxsAndSeesTheSeedsHandlers() throws Exception {
        NodeScripts.requireNode();
        NodeScripts.run("seed-example.test.js", Map.of(
                "MAGPIE_WSS_PORT", String.valueOf(broker.port("wss")),
                "MAGPIE_CA", certificates.caCertificate().toString()));
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("seed-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
