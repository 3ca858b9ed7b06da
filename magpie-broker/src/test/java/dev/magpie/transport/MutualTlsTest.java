package dev.magpie.transport;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Credentials;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.TestCertificates;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.magpie.transport.TlsListenerTest.paho;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Client certificates: required, optional, checked against a CA and a CRL, and naming the user. */
class MutualTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path folder;
    static TestCertificates certs;

    private Broker broker;
    private final List<MqttClient> clients = new ArrayList<>();
    private final List<Credentials> seen = new CopyOnWriteArrayList<>();
    private final List<ClientInfo> connected = new CopyOnWriteArrayList<>();

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

    /** A listener that refuses anonymous clients, with an authenticator that only watches (answers next). */
    private int start(TlsSettings tls) {
        broker = Broker.builder()
                .listener(Listener.tls("127.0.0.1", 0, tls))
                .authenticator(credentials -> {
                    seen.add(credentials);
                    return CompletableFuture.completedFuture(AuthResult.next());
                })
                .eventListener(new BrokerListener() {
                    @Override
                    public void clientConnected(ClientInfo client) {
                        connected.add(client);
                    }
                })
                .build().start();
        return broker.port("tls");
    }

    private TlsSettings required() {
        return TlsSettings.pem(certs.serverCert, certs.serverKey).withClientAuth(TlsSettings.ClientAuth.REQUIRE, certs.caCert)
                .withCertificateIdentity(TlsSettings.CertificateIdentity.CN);
    }

    private SSLContext withCertificate(Path cert, Path key) throws Exception {
        return TestCertificates.clientContext(certs.caCert, cert, key);
    }

    @Test
    void clientCertificateNamesTheUserAndReachesTheAuthenticator() throws Exception {
        int port = start(required());
        paho(port, withCertificate(certs.clientCert, certs.clientKey), "device", clients);
        await().atMost(WAIT).until(() -> connected.size() == 1);
        assertThat(connected.get(0).username()).isEqualTo("device-42");
        assertThat(seen).singleElement().satisfies(c -> {
            assertThat(c.username()).isEqualTo("device-42");
            assertThat(c.certificateChain()).isNotEmpty();
            assertThat(c.clientCertificate().orElseThrow().getSubjectX500Principal().getName()).contains("CN=device-42");
        });
    }

    /**
     * A certificate name becomes the user name ACL patterns substitute for {@code %u}: a CA-signed CN with a topic
     * wildcard or separator would widen them (CVE-2017-7650), so it gets the CONNECT user-name check plus '#', '+'
     * and '/': refused with 0x86 (3.1.1: 0x04), never admitted as anonymous instead.
     */
    @Test
    void certificateNamesWithTopicCharactersAreRefused() throws Exception {
        int port = start(required());
        for (String cn : List.of("all#", "any\\+one", "devices\\/x")) {
            String name = "hostile-" + clients.size();
            Path cert = certs.issueClient(name, "/CN=" + cn);
            MqttException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> paho(port, withCertificate(cert, certs.dir.resolve(name + ".key")), name, clients), MqttException.class);
            assertThat(refused.getReasonCode()).as(cn).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION);
        }
        assertThat(connected).isEmpty();
        assertThat(seen).isEmpty(); // refused before any authenticator is asked
    }

    @Test
    void subjectIdentityUsesTheWholeDistinguishedName() throws Exception {
        int port = start(required().withCertificateIdentity(TlsSettings.CertificateIdentity.SUBJECT));
        paho(port, withCertificate(certs.clientCert, certs.clientKey), "device", clients);
        await().atMost(WAIT).until(() -> connected.size() == 1);
        assertThat(connected.get(0).username()).isEqualTo("O=Magpie Devices,CN=device-42");
    }

    @Test
    void withoutExpiredOrForeignCertificatesTheHandshakeFailsInOneLogLineEach() throws Exception {
        int port = start(required());
        try (LogCapture log = LogCapture.of(TlsHandshakeWatcher.class)) {
            assertThatThrownBy(() -> paho(port, TestCertificates.clientContext(certs.caCert), "none", clients)).isInstanceOf(MqttException.class);
            assertThatThrownBy(() -> paho(port, withCertificate(certs.expiredCert, certs.expiredKey), "expired", clients))
                    .isInstanceOf(MqttException.class);
            assertThatThrownBy(() -> paho(port, withCertificate(certs.otherCert, certs.otherKey), "stranger", clients))
                    .isInstanceOf(MqttException.class);
            await().atMost(WAIT).until(() -> log.messages().size() >= 3);
            assertThat(log.messages()).allMatch(m -> m.contains("TLS handshake with /127.0.0.1:"));
            assertThat(log.anyStackTrace()).isFalse();
        }
        assertThat(connected).isEmpty();
        assertThat(seen).isEmpty();
        paho(port, withCertificate(certs.clientCert, certs.clientKey), "still-fine", clients);
    }

    @Test
    void revokedCertificateIsRefusedWhenACrlIsConfigured() throws Exception {
        int port = start(required().withRevocationList(certs.crl));
        assertThatThrownBy(() -> paho(port, withCertificate(certs.revokedCert, certs.revokedKey), "revoked", clients))
                .isInstanceOf(MqttException.class);
        paho(port, withCertificate(certs.clientCert, certs.clientKey), "valid", clients);
        await().atMost(WAIT).until(() -> connected.size() == 1);
    }

    @Test
    void optionalClientAuthLetsClientsWithoutCertificatesReachTheAuthenticatorChain() throws Exception {
        int port = start(TlsSettings.pem(certs.serverCert, certs.serverKey).withClientAuth(TlsSettings.ClientAuth.OPTIONAL, certs.caCert)
                .withCertificateIdentity(TlsSettings.CertificateIdentity.CN));
        // no certificate, no user name, listener not anonymous: refused by the chain, not by TLS
        assertThatThrownBy(() -> paho(port, TestCertificates.clientContext(certs.caCert), "anonymous", clients))
                .isInstanceOf(MqttException.class);
        await().atMost(WAIT).until(() -> seen.size() == 1);
        assertThat(seen.get(0).certificateChain()).isEmpty();
        seen.clear();
        paho(port, withCertificate(certs.clientCert, certs.clientKey), "device", clients);
        await().atMost(WAIT).until(() -> connected.size() == 1);
        assertThat(connected.get(0).username()).isEqualTo("device-42");
    }

    @Test
    void mosquittoClientsPublishAndSubscribeOverMutualTls() throws Exception {
        int port = start(required());
        List<String> common = List.of("-h", "127.0.0.1", "-p", String.valueOf(port), "--cafile", certs.caCert.toString(),
                "--cert", certs.clientCert.toString(), "--key", certs.clientKey.toString(), "-q", "1");
        List<String> subCommand = new ArrayList<>(List.of("mosquitto_sub", "-i", "msub", "-t", "m/#", "-C", "1", "-W", "20"));
        subCommand.addAll(common);
        Process sub = new ProcessBuilder(subCommand).redirectErrorStream(true).start();
        await().atMost(WAIT).until(() -> connected.stream().anyMatch(c -> c.clientId().equals("msub")));
        Thread.sleep(300); // the SUBSCRIBE follows CONNACK
        List<String> pubCommand = new ArrayList<>(List.of("mosquitto_pub", "-i", "mpub", "-t", "m/x", "-m", "hello mutual tls"));
        pubCommand.addAll(common);
        Process pub = new ProcessBuilder(pubCommand).redirectErrorStream(true).start();
        assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        String line = new BufferedReader(new InputStreamReader(sub.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(sub.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(line).isEqualTo("hello mutual tls");
        assertThat(connected).extracting(ClientInfo::username).containsOnly("device-42");
    }

    @Test
    void mosquittoWithoutAClientCertificateIsRefused() throws Exception {
        int port = start(required());
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "--cafile", certs.caCert.toString(),
                "-t", "m/x", "-m", "x").redirectErrorStream(true).start();
        assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).isNotZero();
        assertThat(connected).isEmpty();
    }
}
