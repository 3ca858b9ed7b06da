package dev.magpie.transport;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.WebSocketSettings;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.HttpRoute;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestCertificates;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.magpie.transport.WebSocketListenerTest.CONNECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** WebSocket over HTTPS (pages and MQTT on one port), and the PROXY protocol in front of any listener. */
class WssAndProxyProtocolTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path folder;
    static TestCertificates certs;

    private Broker broker;
    private final List<ClientInfo> connected = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create(folder);
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    private Broker.Builder builder(Listener listener) {
        return Broker.builder().listener(listener.anonymous(true)).eventListener(new BrokerListener() {
            @Override
            public void clientConnected(ClientInfo client) {
                connected.add(client);
            }
        });
    }

    @Test
    void wssServesPagesRoutesAndMqttOnOnePort() throws Exception {
        Path www = Files.createDirectories(folder.resolve("www"));
        Files.writeString(www.resolve("index.html"), "<title>magpie</title>");
        broker = builder(Listener.wss("127.0.0.1", 0, TlsSettings.pem(certs.serverCert, certs.serverKey))
                .withWebSocket(WebSocketSettings.defaults().withPaths("/mqtt", "/").withStaticFiles(www)))
                .httpRoute("/hello", request -> HttpRoute.Response.text("hello world!"))
                .build().start();
        int port = broker.port("wss");
        SSLContext trusting = TestCertificates.clientContext(certs.caCert);

        HttpTestClient https = new HttpTestClient(port, trusting.getSocketFactory());
        assertThat(https.get("/hello")).startsWith("HTTP/1.1 200").endsWith("hello world!");
        assertThat(https.get("/index.html")).contains("content-type: text/html").endsWith("<title>magpie</title>");

        MqttClient paho = new MqttClient("wss://127.0.0.1:" + port + "/", "paho-wss", new MemoryPersistence());
        try {
            MqttConnectOptions options = PahoOptions.v3();
            options.setSocketFactory(trusting.getSocketFactory());
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            paho.connect(options);
            List<String> got = new CopyOnWriteArrayList<>();
            paho.subscribe("wss/#", 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            paho.publish("wss/x", "secure websocket".getBytes(StandardCharsets.UTF_8), 1, false);
            await().atMost(WAIT).until(() -> got.contains("secure websocket"));
            paho.disconnect();
        } finally {
            paho.close(true);
        }
    }

    /** Sends {@code header} then CONNECT; returns the first 4 bytes answered (a CONNACK), fewer if closed. */
    private static byte[] connectBehind(int port, byte[] header) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(header);
            socket.getOutputStream().write(CONNECT);
            InputStream in = socket.getInputStream();
            return in.readNBytes(4);
        }
    }

    @Test
    void proxyProtocolV1AndV2GiveTheClientAddress() throws Exception {
        broker = builder(Listener.tcp("127.0.0.1", 0).proxyProtocol(true)).build().start();
        int port = broker.port("tcp");
        byte[] v1 = ("PROXY TCP4 198.51.100.9 127.0.0.1 51000 " + port + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(connectBehind(port, v1)).containsExactly(0x20, 0x02, 0, 0);
        await().atMost(WAIT).until(() -> connected.size() == 1);
        assertThat(connected.get(0).remoteAddress().getHostString()).isEqualTo("198.51.100.9");
        assertThat(connected.get(0).remoteAddress().getPort()).isEqualTo(51000);

        byte[] v2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, // signature
                0x21, // version 2, PROXY
                0x11, // TCP over IPv4
                0, 12, // address block length
                (byte) 203, 0, 113, 5, 127, 0, 0, 1, // source, destination
                (byte) 0xC3, 0x50, 0x07, 0x5B}; // source port 50000, destination port 1883
        connected.clear();
        assertThat(connectBehind(port, v2)).containsExactly(0x20, 0x02, 0, 0);
        await().atMost(WAIT).until(() -> connected.size() == 1);
        assertThat(connected.get(0).remoteAddress().getHostString()).isEqualTo("203.0.113.5");
        assertThat(connected.get(0).remoteAddress().getPort()).isEqualTo(50000);
    }

    @Test
    void withoutAValidProxyHeaderTheConnectionIsClosedInOneLogLine() throws Exception {
        broker = builder(Listener.tcp("127.0.0.1", 0).proxyProtocol(true)).build().start();
        try (LogCapture log = LogCapture.of(ProxyProtocolDetector.class)) {
            assertThat(connectBehind(broker.port("tcp"), new byte[0])).isEmpty();
            await().atMost(WAIT).until(() -> !log.messages().isEmpty());
            assertThat(log.messages().get(0)).contains("sent no valid PROXY protocol header");
            assertThat(log.anyStackTrace()).isFalse();
        }
        assertThat(connected).isEmpty();
    }

    @Test
    void proxyProtocolWorksInFrontOfWebSocket() throws Exception {
        broker = builder(Listener.ws("127.0.0.1", 0).proxyProtocol(true)).build().start();
        int port = broker.port("ws");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String upgrade = "PROXY TCP6 2001:db8::7 ::1 40000 " + port + "\r\n"
                    + "GET /mqtt HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n";
            socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
            // a client waits for the 101 before sending frames (RFC 6455, 4.1)
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            while (!answer.toString().endsWith("\r\n\r\n")) {
                answer.append((char) in.read());
            }
            assertThat(answer.toString()).startsWith("HTTP/1.1 101").containsIgnoringCase("sec-websocket-protocol: mqtt");
            // one masked binary frame carrying CONNECT
            byte[] frame = new byte[6 + CONNECT.length];
            frame[0] = (byte) 0x82;
            frame[1] = (byte) (0x80 | CONNECT.length);
            byte[] mask = {1, 2, 3, 4};
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < CONNECT.length; i++) {
                frame[6 + i] = (byte) (CONNECT[i] ^ mask[i % 4]);
            }
            socket.getOutputStream().write(frame);
            await().atMost(WAIT).until(() -> connected.size() == 1);
        }
        assertThat(connected.get(0).remoteAddress().getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
    }
}
