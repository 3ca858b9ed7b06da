package dev.magpie.transport;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestCertificates;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A TLS listener with server authentication only: clients, key formats, refused handshakes, reload. */
class TlsListenerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path folder;
    static TestCertificates certs;

    private Broker broker;
    private final List<MqttClient> clients = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create(folder);
    }

    @AfterEach
    void stop() throws MqttException {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnectForcibly(200, 200);
            }
            c.close(true);
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private int start(TlsSettings tls) {
        broker = Broker.builder().listener(Listener.tls("127.0.0.1", 0, tls).anonymous(true)).build().start();
        return broker.port("tls");
    }

    static MqttClient paho(int port, SSLContext context, String id, List<MqttClient> into) throws MqttException {
        MqttClient client = new MqttClient("ssl://127.0.0.1:" + port, id, new MemoryPersistence());
        into.add(client);
        MqttConnectOptions options = PahoOptions.v3();
        options.setSocketFactory(context.getSocketFactory());
        options.setConnectionTimeout(5);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1); // no silent retry as 3.1
        client.connect(options);
        return client;
    }

    static X509Certificate serverCertificate(int port, SSLContext context) throws Exception {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static void roundTrip(MqttClient sub, MqttClient pub, String topic) throws MqttException {
        List<String> got = new CopyOnWriteArrayList<>();
        sub.subscribe(topic, 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
        pub.publish(topic, "over tls".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(WAIT).until(() -> got.contains("over tls"));
    }

    @Test
    void pahoConnectsOverTlsTrustingTheCa() throws Exception {
        int port = start(TlsSettings.pem(certs.serverCert, certs.serverKey));
        SSLContext trusting = TestCertificates.clientContext(certs.caCert);
        roundTrip(paho(port, trusting, "tls-sub", clients), paho(port, trusting, "tls-pub", clients), "tls/a");
    }

    @Test
    void mosquittoClientsTrustingTheCaPublishAndSubscribe() throws Exception {
        int port = start(TlsSettings.pem(certs.serverCert, certs.serverKey));
        List<String> tls = List.of("-h", "127.0.0.1", "-p", String.valueOf(port), "--cafile", certs.caCert.toString(), "-q", "1");
        List<String> retained = new ArrayList<>(List.of("mosquitto_pub", "-t", "mq/tls", "-m", "retained over tls", "-r"));
        retained.addAll(tls);
        Process pub = new ProcessBuilder(retained).redirectErrorStream(true).start();
        assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        List<String> subscribe = new ArrayList<>(List.of("mosquitto_sub", "-t", "mq/#", "-C", "1", "-W", "20", "-v"));
        subscribe.addAll(tls);
        Process sub = new ProcessBuilder(subscribe).redirectErrorStream(true).start();
        assertThat(sub.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("mq/tls retained over tls");
    }

    @Test
    void encryptedPkcs8AndPkcs12KeysWork() throws Exception {
        SSLContext trusting = TestCertificates.clientContext(certs.caCert);
        int port = start(TlsSettings.pem(certs.serverCert, certs.serverKeyEncrypted, TestCertificates.PASSWORD));
        assertThat(serverCertificate(port, trusting).getSubjectX500Principal().getName()).contains("CN=localhost");
        broker.stop();
        port = start(TlsSettings.pkcs12(certs.serverP12, TestCertificates.PASSWORD));
        assertThat(serverCertificate(port, trusting).getSubjectX500Principal().getName()).contains("CN=localhost");
    }

    @Test
    void aWrongKeyPasswordFailsStartWithAClearMessage() {
        TlsSettings wrong = TlsSettings.pem(certs.serverCert, certs.serverKeyEncrypted, "not-it");
        assertThatThrownBy(() -> start(wrong)).hasMessageContaining("cannot load TLS key material").hasMessageContaining("key password");
        broker = null;
    }

    @Test
    void aClientThatDoesNotTrustTheCaCannotConnect() throws Exception {
        int port = start(TlsSettings.pem(certs.serverCert, certs.serverKey));
        SSLContext strangerTrust = TestCertificates.clientContext(certs.otherCaCert);
        assertThatThrownBy(() -> paho(port, strangerTrust, "distrustful", clients)).isInstanceOf(MqttException.class);
    }

    @Test
    void tls11ClientIsRefusedWithOneLogLine() throws Exception {
        int port = start(TlsSettings.pem(certs.serverCert, certs.serverKey));
        try (LogCapture log = LogCapture.of(TlsHandshakeWatcher.class)) {
            // the JDK may refuse to offer TLS 1.1 at all; either way no session may come of it
            try (SSLSocket socket = (SSLSocket) TestCertificates.clientContext(certs.caCert).getSocketFactory().createSocket("127.0.0.1", port)) {
                socket.setEnabledProtocols(new String[]{"TLSv1.1"});
                assertThatThrownBy(socket::startHandshake).isInstanceOf(java.io.IOException.class);
            }
            // OpenSSL can still be made to offer TLS 1.1: the broker must refuse it
            Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_1",
                    "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", certs.caCert.toString())
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isNotZero();
            await().atMost(WAIT).until(() -> log.messages().stream().anyMatch(m -> m.contains("unsupported protocol")));
            assertThat(log.messages()).allMatch(m -> m.startsWith("listener tls: TLS handshake with /127.0.0.1:"));
            assertThat(log.anyStackTrace()).isFalse();
        }
    }

    @Test
    void plainMqttToTheTlsPortIsClosedAndHealthyClientsAreUnaffected() throws Exception {
        int port = start(TlsSettings.pem(certs.serverCert, certs.serverKey));
        SSLContext trusting = TestCertificates.clientContext(certs.caCert);
        MqttClient healthy = paho(port, trusting, "healthy", clients);
        try (LogCapture log = LogCapture.of(TlsHandshakeWatcher.class); Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(5_000);
            // a 3.1.1 CONNECT, as a client that forgot TLS would send
            plain.getOutputStream().write(new byte[]{0x10, 0x0C, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 0});
            InputStream in = plain.getInputStream();
            while (in.read() != -1) {
                // an alert may come first; the socket must then close
            }
            await().atMost(WAIT).until(() -> !log.messages().isEmpty());
            assertThat(log.messages()).singleElement().asString().contains("not TLS");
            assertThat(log.anyStackTrace()).isFalse();
        }
        roundTrip(healthy, paho(port, trusting, "after", clients), "tls/healthy");
    }

    @Test
    void aSilentClientIsClosedAfterTheHandshakeTimeout() throws Exception {
        int port = start(TlsSettings.pem(certs.serverCert, certs.serverKey).withHandshakeTimeout(Duration.ofMillis(300)));
        try (Socket silent = new Socket("127.0.0.1", port)) {
            silent.setSoTimeout(5_000);
            long started = System.nanoTime();
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void replacedCertificateIsUsedForNewConnectionsWhileOldOnesStay() throws Exception {
        Path cert = folder.resolve("live.crt");
        Path key = folder.resolve("live.key");
        Files.copy(certs.serverCert, cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certs.serverKey, key, StandardCopyOption.REPLACE_EXISTING);
        int port = start(TlsSettings.pem(cert, key).withReloadInterval(Duration.ofMillis(100)));
        SSLContext trusting = TestCertificates.clientContext(certs.caCert);
        X509Certificate before = serverCertificate(port, trusting);
        MqttClient old = paho(port, trusting, "old-connection", clients);

        Path renewed = certs.issueServer("renewed", "/CN=localhost/O=Renewed");
        Files.move(folder.resolve("renewed.key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(renewed, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        await().atMost(WAIT).until(() -> !serverCertificate(port, trusting).getSerialNumber().equals(before.getSerialNumber()));
        assertThat(serverCertificate(port, trusting).getSubjectX500Principal().getName()).contains("O=Renewed");
        assertThat(old.isConnected()).isTrue();
        roundTrip(old, paho(port, trusting, "new-connection", clients), "tls/reload");
    }
}
