package dev.magpie.server.certs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The files {@code magpie certs} writes work for a real TLS 1.3 stack: the JDK's, which is what the broker's
 * TLS listeners will use. The PEM files are loaded as a server would load {@code listeners[].tls.cert_file},
 * {@code key_file} and {@code client_ca_file}, and a client with HTTPS-style hostname verification connects
 * over loopback.
 */
@Timeout(30)
class TlsHandshakeTest {

    private static final int TIMEOUT_MILLIS = 10_000;

    @TempDir
    static Path dir;

    private static SSLContext server;
    private static SSLContext mutualServer;
    private static SSLContext client;
    private static SSLContext clientWithCertificate;

    @BeforeAll
    static void issueCertificates() throws Exception {
        Cli.ok("ca", dir);
        Cli.ok("server", dir, "--dns", "localhost", "--ip", "127.0.0.1");
        Cli.ok("client", dir, "--name", "sensor-1");
        server = context("server", null);
        mutualServer = context("server", "ca.crt");
        client = context(null, "ca.crt");
        clientWithCertificate = context("sensor-1", "ca.crt");
    }

    @Test
    void aTls13HandshakeSucceedsForTheServersName() throws Exception {
        Handshake handshake = handshake(server, false, client, "localhost");

        assertThat(handshake.protocol()).isEqualTo("TLSv1.3");
        assertThat(handshake.serverSubject()).isEqualTo("CN=localhost");
        assertThat(handshake.clientSubject()).isNull();
    }

    @Test
    void theHandshakeFailsForAnotherName() {
        assertThatThrownBy(() -> handshake(server, false, client, "mqtt.example.com"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("mqtt.example.com");
    }

    @Test
    void aMutualTlsHandshakeIdentifiesTheClientByItsName() throws Exception {
        Handshake handshake = handshake(mutualServer, true, clientWithCertificate, "localhost");

        assertThat(handshake.protocol()).isEqualTo("TLSv1.3");
        assertThat(handshake.clientSubject()).isEqualTo("CN=sensor-1");
        assertThat(handshake.serverSubject()).isEqualTo("CN=localhost");
    }

    @Test
    void aServerThatNeedsAClientCertificateRefusesAClientWithout() {
        assertThatThrownBy(() -> handshake(mutualServer, true, client, "localhost"))
                .isInstanceOfAny(SSLHandshakeException.class, IOException.class);
    }

    private record Handshake(String protocol, String serverSubject, String clientSubject) {
    }

    /**
     * One connection over 127.0.0.1: the server accepts and echoes one byte, the client verifies the server as
     * {@code host} (SNI and HTTPS endpoint identification) and sends that byte. Failures of either side are
     * thrown; every blocking step has a timeout.
     */
    private static Handshake handshake(SSLContext serverContext, boolean needClientAuth, SSLContext clientContext,
                                       String host) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            listener.setEnabledProtocols(new String[]{"TLSv1.3"});
            listener.setNeedClientAuth(needClientAuth);
            listener.setSoTimeout(TIMEOUT_MILLIS);
            Future<String> accepted = executor.submit(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(TIMEOUT_MILLIS);
                    socket.startHandshake();
                    socket.getOutputStream().write(socket.getInputStream().read());
                    socket.getOutputStream().flush();
                    SSLSession session = socket.getSession();
                    return needClientAuth ? subject(session.getPeerCertificates()) : null;
                }
            });
            String serverSubject;
            String protocol;
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress("127.0.0.1", listener.getLocalPort()), TIMEOUT_MILLIS);
                raw.setSoTimeout(TIMEOUT_MILLIS);
                try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory()
                        .createSocket(raw, host, listener.getLocalPort(), true)) {
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setProtocols(new String[]{"TLSv1.3"});
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    socket.setSSLParameters(parameters);
                    socket.startHandshake();
                    socket.getOutputStream().write(42);
                    socket.getOutputStream().flush();
                    if (socket.getInputStream().read() != 42) {
                        throw new IOException("the server closed the connection instead of echoing");
                    }
                    protocol = socket.getSession().getProtocol();
                    serverSubject = subject(socket.getSession().getPeerCertificates());
                }
            }
            String clientSubject;
            try {
                clientSubject = accepted.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
            return new Handshake(protocol, serverSubject, clientSubject);
        } finally {
            executor.shutdownNow();
        }
    }

    private static String subject(Certificate[] chain) {
        return ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
    }

    /** An SSLContext from PEM files in {@code dir}: NAME.crt/NAME.key as our identity, trusting {@code caFile}. */
    private static SSLContext context(String name, String caFile) throws Exception {
        KeyManagerFactory keyManagers = null;
        if (name != null) {
            List<X509Certificate> chain = Pem.readCertificates(dir.resolve(name + ".crt"));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] password = "unused".toCharArray();
            keys.setKeyEntry(name, Pem.readPrivateKey(dir.resolve(name + ".key")), password,
                    chain.toArray(Certificate[]::new));
            keyManagers = KeyManagerFactory.getInstance("PKIX");
            keyManagers.init(keys, password);
        }
        TrustManagerFactory trustManagers = null;
        if (caFile != null) {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", Pem.readCertificates(dir.resolve(caFile)).get(0));
            trustManagers = TrustManagerFactory.getInstance("PKIX");
            trustManagers.init(trusted);
        }
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(),
                trustManagers == null ? null : trustManagers.getTrustManagers(), null);
        return context;
    }
}
