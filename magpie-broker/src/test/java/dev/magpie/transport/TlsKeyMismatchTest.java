package dev.magpie.transport;

import dev.magpie.Broker;
import dev.magpie.BrokerException;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.security.SettledFiles;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10, must fix 5: a private key that does not belong to its certificate was accepted at start-up and at
 * reload, and every handshake then failed with KEY_VALUES_MISMATCH. Also the cipher list keeping TLS 1.3.
 * Real JDK TLS clients against the broker as it ships.
 */
class TlsKeyMismatchTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path folder;
    static TestCertificates certs;
    static SSLContext trusting;

    private Broker broker;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create(folder);
        trusting = TestCertificates.clientContext(certs.caCert);
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    private int start(TlsSettings tls) {
        broker = Broker.builder().listener(Listener.tls("127.0.0.1", 0, tls).anonymous(true)).build();
        broker.start();
        return broker.port("tls");
    }

    private static SSLSocket handshake(int port, String... protocols) throws Exception {
        SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        if (protocols.length > 0) {
            socket.setEnabledProtocols(protocols);
        }
        socket.startHandshake();
        return socket;
    }

    private static BigInteger servedSerial(int port) throws Exception {
        try (SSLSocket socket = handshake(port)) {
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static BigInteger serialOf(Path pem) throws Exception {
        return ((X509Certificate) TestCertificates.certificates(pem).get(0)).getSerialNumber();
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtStartNamingBothFiles() {
        TlsSettings mismatched = TlsSettings.pem(certs.serverCert, certs.clientKey);
        assertThatThrownBy(mismatched::checkKeyMaterial).isInstanceOf(BrokerException.class)
                .hasMessageContaining("private key " + certs.clientKey + " does not belong to certificate " + certs.serverCert);
        Broker refused = Broker.builder().listener(Listener.tls("127.0.0.1", 0, mismatched)).build();
        assertThatThrownBy(refused::start).isInstanceOf(BrokerException.class)
                .hasMessageStartingWith("listener tls: cannot load TLS key material")
                .hasMessageContaining("does not belong to certificate " + certs.serverCert)
                .hasMessageContaining("does not verify");
        refused.stop();
        TlsSettings.pem(certs.serverCert, certs.serverKey).checkKeyMaterial(); // the right pair passes
    }

    @Test
    void aPkcs12StoreWhoseKeyIsNotItsCertificatesIsRefused() throws Exception {
        String pem = Files.readString(certs.clientKey).replaceAll("-----(BEGIN|END) PRIVATE KEY-----|\\s", "");
        PrivateKey wrongKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", wrongKey, TestCertificates.PASSWORD.toCharArray(),
                TestCertificates.certificates(certs.serverCert).toArray(Certificate[]::new));
        Path p12 = folder.resolve("mismatched.p12");
        try (var out = Files.newOutputStream(p12)) {
            store.store(out, TestCertificates.PASSWORD.toCharArray());
        }
        assertThatThrownBy(() -> TlsSettings.pkcs12(p12, TestCertificates.PASSWORD).checkKeyMaterial())
                .hasMessage("PKCS#12 file " + p12 + ": the key 'server' does not belong to its certificate: a signature made with"
                        + " the EC private key does not verify with the certificate's public key");
        TlsSettings.pkcs12(certs.serverP12, TestCertificates.PASSWORD).checkKeyMaterial();
    }

    @Test
    void rotatingCertificateThenKeyKeepsTheOldPairUntilTheKeyArrives() throws Exception {
        Path cert = folder.resolve("rotate.crt");
        Path key = folder.resolve("rotate.key");
        Files.copy(certs.serverCert, cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certs.serverKey, key, StandardCopyOption.REPLACE_EXISTING);
        int port = start(TlsSettings.pem(cert, key).withReloadInterval(Duration.ofMillis(100)));
        BigInteger old = servedSerial(port);
        Path renewed = certs.issueServer("rotated", "/CN=localhost/O=Rotated");
        try (LogCapture log = LogCapture.of(ServerTlsContext.class)) {
            Files.move(renewed, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(WAIT).until(() -> log.messages().stream().anyMatch(m -> m.contains("keeping the previous certificate")));
            assertThat(log.messages()).singleElement().asString()
                    .startsWith("listener tls: TLS files changed but are not used, keeping the previous certificate: private key "
                            + key + " does not belong to certificate " + cert);
            assertThat(servedSerial(port)).as("new clients still get the old, working pair").isEqualTo(old);

            Files.move(folder.resolve("rotated.key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(WAIT).until(() -> servedSerial(port).equals(serialOf(cert)));
            assertThat(log.messages()).last().asString().contains("TLS certificate reloaded");
            assertThat(log.anyStackTrace()).isFalse();
        }
    }

    @Test
    void aHalfWrittenCertificateIsNotSwappedIn() throws Exception {
        Path cert = folder.resolve("half.crt");
        Path key = folder.resolve("half.key");
        Files.copy(certs.serverCert, cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certs.serverKey, key, StandardCopyOption.REPLACE_EXISTING);
        int port = start(TlsSettings.pem(cert, key).withReloadInterval(Duration.ofMillis(100)));
        BigInteger old = servedSerial(port);
        byte[] whole = Files.readAllBytes(certs.serverCert);
        try (LogCapture log = LogCapture.of(ServerTlsContext.class)) {
            Files.write(cert, java.util.Arrays.copyOf(whole, whole.length / 2)); // a writer that stopped half way
            await().atMost(WAIT).until(() -> !log.messages().isEmpty());
            assertThat(log.messages()).singleElement().asString().contains("keeping the previous certificate");
            assertThat(servedSerial(port)).isEqualTo(old);
            Files.write(cert, whole);
            await().atMost(WAIT).until(() -> log.messages().size() == 2);
            assertThat(log.messages().get(1)).contains("TLS certificate reloaded");
            assertThat(servedSerial(port)).isEqualTo(old);
        }
    }

    @Test
    void aTls12CipherListLeavesTls13On() throws Exception {
        int port = start(TlsSettings.pem(certs.serverCert, certs.serverKey)
                .withCiphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")));
        try (SSLSocket tls13 = handshake(port, "TLSv1.3")) {
            assertThat(tls13.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        try (SSLSocket tls12 = handshake(port, "TLSv1.2")) {
            assertThat(tls12.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
    }

    @Test
    void bothProvidersKeepTls13WithATls12CipherList() throws Exception {
        TlsSettings tls = TlsSettings.pem(certs.serverCert, certs.serverKey)
                .withCiphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        for (SslProvider provider : List.of(SslProvider.JDK, SslProvider.OPENSSL)) {
            SslContext context = ServerTlsContext.build(tls,
                    SettledFiles.readNow(ServerTlsContext.watchedFiles(tls)).initial(), provider);
            SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
            try {
                assertThat(engine.getEnabledProtocols()).as(provider.name()).contains("TLSv1.3", "TLSv1.2");
                assertThat(engine.getEnabledCipherSuites()).as(provider.name())
                        .contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256");
            } finally {
                ReferenceCountUtil.release(engine);
                ReferenceCountUtil.release(context);
            }
        }
    }

    @Test
    void tls13IsOffOnlyWhenTheProtocolsSaySo() throws Exception {
        int port = start(TlsSettings.pem(certs.serverCert, certs.serverKey).withProtocols("TLSv1.2")
                .withCiphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")));
        assertThatThrownBy(() -> handshake(port, "TLSv1.3").close()).isInstanceOf(java.io.IOException.class);
        try (SSLSocket tls12 = handshake(port, "TLSv1.2")) {
            assertThat(tls12.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
    }
}
