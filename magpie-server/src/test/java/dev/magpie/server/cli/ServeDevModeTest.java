package dev.magpie.server.cli;

import dev.magpie.Broker;
import dev.magpie.server.certs.Pem;
import dev.magpie.testkit.PahoOptions;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code serve --dev}: a development CA on first use, reused later, and TLS + WSS listeners clients can trust. */
class ServeDevModeTest {
    @TempDir
    Path dir;

    private final List<ServeCommand.Running> running = new ArrayList<>();
    private final List<MqttClient> clients = new ArrayList<>();
    private final StringWriter stderr = new StringWriter();

    @AfterEach
    void stop() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnectForcibly(500, 500);
            }
            c.close(true);
        }
        running.forEach(ServeCommand.Running::close);
    }

    private Broker serveDev() throws ServeCommand.StartException {
        ServeCommand serve = new ServeCommand(Map.of());
        new CommandLine(serve).parseArgs("--dev", "--port", "0", "--dev-tls-port", "0", "--dev-wss-port", "0",
                "--data-dir", dir.resolve("data").toString());
        ServeCommand.Running started = serve.start(new PrintWriter(stderr, true));
        running.add(started);
        return started.broker();
    }

    private SSLSocketFactory trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.readCertificates(caFile).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    private MqttClient connect(String uri, SSLSocketFactory factory) throws Exception {
        MqttClient c = new MqttClient(uri, "dev-" + clients.size(), new MemoryPersistence());
        clients.add(c);
        MqttConnectOptions o = PahoOptions.v3();
        o.setSocketFactory(factory);
        o.setHttpsHostnameVerificationEnabled(true);
        c.connect(o);
        return c;
    }

    @Test
    void devModeServesTlsAndWssWithAGeneratedCaThatIsReusedOnTheNextStart() throws Exception {
        Broker broker = serveDev();
        Path ca = dir.resolve("data/certs/ca.crt");
        assertThat(ca).exists();
        assertThat(dir.resolve("data/certs/server.key")).exists();
        assertThat(stderr.toString()).contains("Development TLS").contains(ca.toString());
        X509Certificate firstCa = Pem.readCertificates(ca).get(0);

        SSLSocketFactory factory = trusting(ca);
        MqttClient tls = connect("ssl://localhost:" + broker.port(DevListeners.TLS_NAME), factory);
        MqttClient wss = connect("wss://localhost:" + broker.port(DevListeners.WSS_NAME) + "/mqtt", factory);
        BlockingQueue<String> got = new ArrayBlockingQueue<>(4);
        wss.subscribe("dev/#", 1, (t, m) -> got.add(t + "=" + new String(m.getPayload(), StandardCharsets.UTF_8)));
        tls.publish("dev/x", "over tls".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("dev/x=over tls");

        running.remove(0).close();
        serveDev();
        assertThat(Pem.readCertificates(ca).get(0)).isEqualTo(firstCa);
    }
}
