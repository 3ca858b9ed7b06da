package dev.magpie.server.cli;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.WebSocketSettings;
import dev.magpie.server.certs.CertFiles;
import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.CertifiedKey;
import dev.magpie.server.certs.KeySpec;
import dev.magpie.server.certs.Pem;
import dev.magpie.server.certs.ServerNames;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code serve --dev}: a development CA and a server certificate for localhost/127.0.0.1 under
 * {@code <data-dir>/certs} (made on first use, reused afterwards), and two loopback listeners that use them:
 * MQTT over TLS on 8883 and HTTPS with WSS on 8443 (WebSocket on {@code /mqtt} and {@code /}, since MQTT.js
 * defaults to {@code /}). Loopback only, so the anonymous access these listeners allow never leaves the machine. The
 * HTTPS listener also serves {@code /metrics}, {@code /health} and {@code /ready} (the config's {@code metrics:}
 * section applies to every ws/wss listener, this one included, and a loopback client may read the metrics).
 */
final class DevListeners {
    static final String TLS_NAME = "dev-tls";
    static final String WSS_NAME = "dev-wss";

    private final Path certs;
    private final int tlsPort;
    private final int wssPort;

    DevListeners(Path dataDir, int tlsPort, int wssPort) {
        this.certs = dataDir.resolve("certs");
        this.tlsPort = tlsPort;
        this.wssPort = wssPort;
    }

    Path caFile() {
        return certs.resolve("ca.crt");
    }

    /** Makes the CA and server certificate if they are missing; returns whether anything was created. */
    boolean ensureCertificates() throws IOException {
        Path caCrt = caFile();
        Path caKey = certs.resolve("ca.key");
        Path serverCrt = certs.resolve("server.crt");
        Path serverKey = certs.resolve("server.key");
        if (Files.exists(caCrt) && Files.exists(caKey) && Files.exists(serverCrt) && Files.exists(serverKey)) {
            return false;
        }
        Files.createDirectories(certs);
        CertificateAuthority ca = Files.exists(caCrt) && Files.exists(caKey)
                ? CertificateAuthority.load(caCrt, caKey)
                : CertificateAuthority.create("Magpie development CA", KeySpec.ec(), CertificateAuthority.DEFAULT_CA_DAYS);
        if (!Files.exists(caCrt)) {
            CertFiles.writePrivate(caKey, Pem.privateKey(ca.certifiedKey().privateKey()).getBytes(StandardCharsets.US_ASCII), true);
            CertFiles.writePublic(caCrt, Pem.certificate(ca.certificate()).getBytes(StandardCharsets.US_ASCII), true);
        }
        CertifiedKey server = ca.issueServer(ServerNames.of(List.of("localhost"), List.of("127.0.0.1", "::1")), KeySpec.ec(),
                CertificateAuthority.DEFAULT_LEAF_DAYS);
        StringBuilder chain = new StringBuilder();
        for (var c : server.chain()) {
            chain.append(Pem.certificate(c));
        }
        CertFiles.writePrivate(serverKey, Pem.privateKey(server.privateKey()).getBytes(StandardCharsets.US_ASCII), true);
        CertFiles.writePublic(serverCrt, chain.toString().getBytes(StandardCharsets.US_ASCII), true);
        return true;
    }

    void addTo(Broker.Builder builder) {
        TlsSettings tls = TlsSettings.pem(certs.resolve("server.crt"), certs.resolve("server.key"));
        builder.listener(Listener.tls("127.0.0.1", tlsPort, tls).named(TLS_NAME).anonymous(true));
        builder.listener(Listener.wss("127.0.0.1", wssPort, tls).named(WSS_NAME).anonymous(true)
                .withWebSocket(WebSocketSettings.defaults().withPaths("/mqtt", "/")));
    }

    /** How to trust the development CA, printed once at start. */
    void printTrustAdvice(PrintWriter err) {
        err.println("Development TLS: mqtts://localhost:" + tlsPort + " and wss://localhost:" + wssPort + "/mqtt (loopback only)."
                + " Trust " + caFile() + ": mosquitto_sub --cafile " + caFile() + ", MQTT.js { ca: fs.readFileSync('" + caFile()
                + "') }, or import it as a trusted root in the browser / WeChat developer tools."
                + " Metrics: https://localhost:" + wssPort + "/metrics, /health, /ready (unless metrics.enabled is false).");
    }
}
