package dev.magpie.transport;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.WebSocketSettings;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.HttpRoute;
import dev.magpie.testkit.PahoOptions;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** MQTT over WebSocket [MQTT-6.0.0]: clients, subprotocols, frames, limits and the real client address. */
class WebSocketListenerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** CONNECT 3.1.1, client id "ws1", clean, keep-alive 60 s. */
    static final byte[] CONNECT = {0x10, 0x0F, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 3, 'w', 's', '1'};
    /** SUBSCRIBE packet id 1 to "a/b" at QoS 0. */
    static final byte[] SUBSCRIBE = {(byte) 0x82, 0x08, 0, 1, 0, 3, 'a', '/', 'b', 0};
    static final byte[] CONNACK_AND_SUBACK = {0x20, 0x02, 0, 0, (byte) 0x90, 0x03, 0, 1, 0};

    @TempDir
    Path folder;
    private Broker broker;
    private MqttClient paho;
    private final List<ClientInfo> connected = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        startWith(WebSocketSettings.defaults().withPaths("/mqtt", "/").withMaxFrameSize(1024).withMaxMessageSize(2048));
    }

    private void startWith(WebSocketSettings settings) {
        if (broker != null) {
            broker.stop();
        }
        broker = Broker.builder()
                .listener(Listener.ws("127.0.0.1", 0).anonymous(true).withWebSocket(settings))
                .httpRoute("/", request -> HttpRoute.Response.text("hello world!"))
                .httpRoute("/whoami", request -> HttpRoute.Response.text(401, request.listener() + " " + request.secure() + " "
                                + request.fromLoopback() + " " + request.remote().getAddress().getHostAddress())
                        .withHeader("WWW-Authenticate", "Basic realm=\"magpie\"").withHeader("Content-Length", "1"))
                .eventListener(new BrokerListener() {
                    @Override
                    public void clientConnected(ClientInfo client) {
                        connected.add(client);
                    }
                })
                .build().start();
    }

    @AfterEach
    void stop() throws MqttException {
        if (paho != null) {
            if (paho.isConnected()) {
                paho.disconnectForcibly(200, 200);
            }
            paho.close(true);
        }
        broker.stop();
    }

    private URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + broker.port("ws") + path);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void pahoPublishesAndReceivesOverWebSocket() throws Exception {
        paho = new MqttClient(ws("/mqtt").toString(), "paho-ws", new MemoryPersistence());
        MqttConnectOptions options = PahoOptions.v3();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        paho.connect(options);
        List<String> got = new CopyOnWriteArrayList<>();
        paho.subscribe("ws/#", 1, (t, m) -> got.add(t + "=" + new String(m.getPayload(), StandardCharsets.UTF_8)));
        paho.publish("ws/a", "over websocket".getBytes(StandardCharsets.UTF_8), 1, false);
        broker.publish("ws/b", "from the broker");
        await().atMost(WAIT).until(() -> got.size() == 2);
        assertThat(got).containsExactly("ws/a=over websocket", "ws/b=from the broker");
    }

    @Test
    void theMqttSubprotocolIsEchoedAndPreferred_MQTT_6_0_0_3() throws Exception {
        try (WebSocketProbe both = WebSocketProbe.open(ws("/mqtt"), "mqttv3.1", "mqtt");
             WebSocketProbe old = WebSocketProbe.open(ws("/mqtt"), "mqttv3.1");
             WebSocketProbe none = WebSocketProbe.open(ws("/mqtt"))) {
            assertThat(both.socket.getSubprotocol()).isEqualTo("mqtt");
            assertThat(old.socket.getSubprotocol()).isEqualTo("mqttv3.1");
            assertThat(none.socket.getSubprotocol()).isEmpty();
        }
    }

    @Test
    void anUpgradeOfferingOnlyOtherSubprotocolsIsRefusedWith400() {
        assertThatThrownBy(() -> WebSocketProbe.open(ws("/mqtt"), "chat"))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(WebSocketHandshakeException.class)
                .extracting(e -> ((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(400);
    }

    @Test
    void pathsMatchExactly() throws Exception {
        try (WebSocketProbe root = WebSocketProbe.open(ws("/"), "mqtt")) {
            assertThat(root.socket.getSubprotocol()).isEqualTo("mqtt");
        }
        assertThatThrownBy(() -> WebSocketProbe.open(ws("/mqtt/more"), "mqtt"))
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .extracting(e -> ((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(404);
        startWith(WebSocketSettings.defaults().withPaths(WebSocketSettings.ANY_PATH));
        try (WebSocketProbe any = WebSocketProbe.open(ws("/whatever/path"), "mqtt")) {
            assertThat(any.socket.getSubprotocol()).isEqualTo("mqtt");
        }
    }

    @Test
    void packetsMayShareAFrameOrSpanFrames_MQTT_6_0_0_2() throws Exception {
        byte[] stream = concat(CONNECT, SUBSCRIBE);
        try (WebSocketProbe probe = WebSocketProbe.open(ws("/mqtt"), "mqtt")) {
            // two messages, the split inside CONNECT, the second carrying the rest and all of SUBSCRIBE
            probe.send(Arrays.copyOfRange(stream, 0, 7), true);
            probe.send(Arrays.copyOfRange(stream, 7, stream.length), true);
            await().atMost(WAIT).until(() -> probe.received().length >= CONNACK_AND_SUBACK.length);
            assertThat(probe.received()).containsExactly(CONNACK_AND_SUBACK);
        }
        try (WebSocketProbe probe = WebSocketProbe.open(ws("/mqtt"), "mqtt")) {
            // one message in a frame and two continuation frames
            probe.send(Arrays.copyOfRange(stream, 0, 3), false);
            probe.send(Arrays.copyOfRange(stream, 3, 20), false);
            probe.send(Arrays.copyOfRange(stream, 20, stream.length), true);
            await().atMost(WAIT).until(() -> probe.received().length >= CONNACK_AND_SUBACK.length);
            assertThat(probe.received()).containsExactly(CONNACK_AND_SUBACK);
        }
    }

    @Test
    void textFramesAreRefusedWith1003_MQTT_6_0_0_1() throws Exception {
        try (WebSocketProbe probe = WebSocketProbe.open(ws("/mqtt"), "mqtt")) {
            probe.socket.sendText("hello", true).get(5, TimeUnit.SECONDS);
            assertThat(probe.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1003);
        }
    }

    @Test
    void oversizedFramesAndMessagesAreRefusedWith1009() throws Exception {
        try (WebSocketProbe probe = WebSocketProbe.open(ws("/mqtt"), "mqtt")) {
            probe.send(new byte[1025], true);
            assertThat(probe.closeCode.get(10, TimeUnit.SECONDS)).as(() -> String.valueOf(probe.error)).isEqualTo(1009);
        }
        try (WebSocketProbe probe = WebSocketProbe.open(ws("/mqtt"), "mqtt")) {
            probe.send(CONNECT, true);
            await().atMost(WAIT).until(() -> probe.received().length >= 4);
            // a PUBLISH of 2900 bytes, valid as far as it goes, in a message of three 1000-byte frames (bound: 2048)
            byte[] first = new byte[1000];
            first[0] = 0x30;
            first[1] = (byte) 0xD4;
            first[2] = 0x16;
            probe.send(first, false);
            probe.send(new byte[1000], false);
            probe.send(new byte[1000], true);
            assertThat(probe.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        }
    }

    @Test
    void xForwardedForIsBelievedOnlyFromTrustedProxies() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (WebSocketProbe probe = WebSocketProbe.open(http, ws("/mqtt"), Map.of("X-Forwarded-For", "203.0.113.7"), "mqtt")) {
            probe.send(CONNECT, true);
            await().atMost(WAIT).until(() -> connected.size() == 1);
        }
        assertThat(connected.get(0).remoteAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");

        connected.clear();
        startWith(WebSocketSettings.defaults().withTrustedProxies("127.0.0.0/8", "10.0.0.0/8"));
        try (WebSocketProbe probe = WebSocketProbe.open(http, ws("/mqtt"), Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.1.2.3"), "mqtt")) {
            probe.send(CONNECT, true);
            await().atMost(WAIT).until(() -> connected.size() == 1);
        }
        // the rightmost address that is not a trusted proxy is the client
        assertThat(connected.get(0).remoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.7");
    }

    @Test
    void staticFilesAreServedWithTheirTypesAndNeverOutsideTheFolder() throws Exception {
        Path www = Files.createDirectories(folder.resolve("www"));
        Files.writeString(www.resolve("page.html"), "<h1>hi</h1>");
        Files.writeString(www.resolve("app.js"), "console.log(1)");
        Files.writeString(www.resolve("style.css"), "h1{}");
        Files.writeString(www.resolve("data.json"), "{}");
        Files.write(www.resolve("img.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G'});
        Files.writeString(www.resolve("icon.svg"), "<svg/>");
        Files.writeString(folder.resolve("secret.txt"), "do not serve");
        startWith(WebSocketSettings.defaults().withStaticFiles(www));
        HttpTestClient http = new HttpTestClient(broker.port("ws"));
        assertThat(http.get("/page.html")).startsWith("HTTP/1.1 200").contains("content-type: text/html; charset=utf-8").endsWith("<h1>hi</h1>");
        assertThat(http.get("/app.js")).contains("content-type: text/javascript");
        assertThat(http.get("/style.css")).contains("content-type: text/css");
        assertThat(http.get("/data.json")).contains("content-type: application/json");
        assertThat(http.get("/img.png")).contains("content-type: image/png");
        assertThat(http.get("/icon.svg")).contains("content-type: image/svg+xml");
        assertThat(http.get("/missing.html")).startsWith("HTTP/1.1 404");
        assertThat(http.get("/../secret.txt")).startsWith("HTTP/1.1 404").doesNotContain("do not serve");
        assertThat(http.get("/%2e%2e/secret.txt")).startsWith("HTTP/1.1 404").doesNotContain("do not serve");
        assertThat(http.get("/x/..%2f..%2fsecret.txt")).startsWith("HTTP/1.1 404").doesNotContain("do not serve");
        assertThat(http.get("/")).startsWith("HTTP/1.1 200").endsWith("hello world!");
    }

    @Test
    void aRouteSeesWhereTheRequestCameFromAndSetsItsOwnHeaders() throws Exception {
        String answer = new HttpTestClient(broker.port("ws")).get("/whoami");
        assertThat(answer).startsWith("HTTP/1.1 401").contains("www-authenticate: basic realm=\"magpie\"")
                .contains("content-length: 23").endsWith("ws false true 127.0.0.1");
    }
}
