package dev.magpie.server.doctor;

import dev.magpie.server.certs.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the doctor says about servers that are broken in ways a broker is not: nothing listening, a server that
 * never answers, an old TLS-1.0-only server, and a WebSocket server (or proxy) that upgrades without echoing the
 * subprotocol. Each is a {@link FakeServer} on 127.0.0.1; every run finishes within its timeout.
 */
@Timeout(30)
class DoctorMisbehavingServersTest {

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static SSLContext serverTls;

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir);
        Path[] files = pki.server("fake", 90, "localhost");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] password = "unused".toCharArray();
        keys.setKeyEntry("fake", Pem.readPrivateKey(files[1]), password,
                Pem.readCertificates(files[0]).toArray(Certificate[]::new));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        keyManagers.init(keys, password);
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);
    }

    private static DoctorRun doctor(int port, String timeout) {
        return DoctorRun.of("wxs://localhost:" + port + "/mqtt", "--ca", pki.caFile().toString(), "--timeout", timeout);
    }

    @Test
    void nothingListeningIsAConnectionRefusedWithTheListenerToStart() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }

        DoctorRun run = doctor(port, "5s");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line(Check.CONNECT)).startsWith("FAIL").contains("refused the connection")
                .contains("start the broker's wss listener on port " + port);
        assertThat(run.line(Check.TLS_VERSION)).startsWith("SKIP").contains("TCP connect failed");
        assertThat(run.status(Check.MQTT)).isEqualTo(Status.SKIP);
    }

    @Test
    void aServerThatNeverAnswersCostsOneTimeout() throws IOException {
        try (FakeServer silent = FakeServer.start(socket -> socket.getInputStream().readAllBytes())) {
            long start = System.nanoTime();
            DoctorRun run = doctor(silent.port(), "1s");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.line(Check.TLS_VERSION)).startsWith("FAIL")
                    .contains("did not answer the TLS hello within 1 s");
            assertThat(took).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aServerThatOnlySpeaksTls10IsRefusedBecauseWeChatNeedsTls12() throws IOException {
        // RFC 8446 6: alert record, legacy version 3.1, length 2, fatal (2), protocol_version (70)
        byte[] protocolVersionAlert = {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46};
        try (FakeServer old = FakeServer.start(socket -> {
            socket.getInputStream().read(new byte[512]);
            socket.getOutputStream().write(protocolVersionAlert);
            socket.getOutputStream().flush();
            socket.close();
        })) {
            DoctorRun run = doctor(old.port(), "5s");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.line(Check.TLS_VERSION)).startsWith("FAIL").contains("only speaks TLS 1.0 or 1.1")
                    .contains("enable TLSv1.2 and TLSv1.3");
        }
    }

    @Test
    void anUpgradeWithoutTheSubprotocolEchoedFailsWithTheProxyHint() throws IOException {
        SSLServerSocket listener = (SSLServerSocket) serverTls.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (FakeServer noEcho = FakeServer.start(listener, socket -> {
            String request = readHead(socket.getInputStream());
            Matcher key = Pattern.compile("Sec-WebSocket-Key: (\\S+)").matcher(request);
            if (!key.find()) {
                return;
            }
            // a proxy that drops Sec-WebSocket-Protocol from the answer
            String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + WebSocketUpgrade.acceptFor(key.group(1)) + "\r\n\r\n";
            socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.close();
        })) {
            DoctorRun run = doctor(noEcho.port(), "5s");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.status(Check.CHAIN)).isEqualTo(Status.PASS);
            assertThat(run.status(Check.WEBSOCKET)).isEqualTo(Status.PASS);
            assertThat(run.line(Check.SUBPROTOCOL)).startsWith("FAIL")
                    .contains("the 101 answer has no Sec-WebSocket-Protocol")
                    .contains("a proxy must pass Sec-WebSocket-Protocol");
            assertThat(run.line(Check.MQTT)).startsWith("FAIL").contains("closed the connection");
        }
    }

    @Test
    void aProxyThatAnswersTheUpgradeWithAPageIsToldToPassTheUpgradeHeaders() throws IOException {
        SSLServerSocket listener = (SSLServerSocket) serverTls.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (FakeServer page = FakeServer.start(listener, socket -> {
            readHead(socket.getInputStream());
            byte[] body = "<h1>hello world!</h1>".getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
        })) {
            DoctorRun run = doctor(page.port(), "5s");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.line(Check.WEBSOCKET)).startsWith("FAIL").contains("GET /mqtt -> HTTP/1.1 200 OK")
                    .contains("hello world!").contains("proxy_set_header Upgrade $http_upgrade");
        }
    }

    @Test
    void aTlsServerThatNeverAnswersTheUpgradeTimesOutThere() throws IOException {
        SSLServerSocket listener = (SSLServerSocket) serverTls.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (FakeServer mute = FakeServer.start(listener, socket -> {
            ((SSLSocket) socket).startHandshake();
            socket.getInputStream().readAllBytes();
        })) {
            DoctorRun run = doctor(mute.port(), "1s");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.status(Check.TLS_VERSION)).isEqualTo(Status.PASS);
            assertThat(run.line(Check.WEBSOCKET)).startsWith("FAIL").contains("no answer within 1 s");
        }
    }

    /** The request head, up to the blank line (bounded). */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < 16 * 1024) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
