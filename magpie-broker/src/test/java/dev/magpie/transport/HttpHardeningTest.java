package dev.magpie.transport;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.WebSocketSettings;
import dev.magpie.testkit.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP side's answers to the requests issue 10 found closing silently or serving too much: WebSocket
 * handshakes without key or version (RFC 6455 4.2.1, 4.4), origins outside the allow-list, malformed
 * percent-encoding, and hidden files ({@code /.env}, {@code /.git/config}) under the static folder.
 */
class HttpHardeningTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    @TempDir
    Path folder;
    private Path www;
    private Broker broker;
    private HttpTestClient http;

    @BeforeEach
    void files() throws Exception {
        www = Files.createDirectories(folder.resolve("www"));
        Files.writeString(www.resolve("index.html"), "<h1>hi</h1>");
        Files.writeString(www.resolve(".env"), "DB_PASSWORD=hunter2");
        Files.createDirectories(www.resolve(".git"));
        Files.writeString(www.resolve(".git/config"), "[remote] url = secret");
        Files.createDirectories(www.resolve("app/.cache"));
        Files.writeString(www.resolve("app/.cache/x.js"), "hidden");
        Files.createSymbolicLink(www.resolve("env.txt"), www.resolve(".env"));
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    private void start(WebSocketSettings settings) {
        broker = Broker.builder().listener(Listener.ws("127.0.0.1", 0).anonymous(true).withWebSocket(settings.withStaticFiles(www)))
                .build().start();
        http = new HttpTestClient(broker.port("ws"));
    }

    /** A refused upgrade: the whole answer, the server closes after it. */
    private String upgrade(Map<String, String> headers) throws Exception {
        return http.request(upgradeRequest(headers));
    }

    /** An upgrade that succeeds: the 101 head (the connection then speaks WebSocket). */
    private String upgraded(Map<String, String> headers) throws Exception {
        return http.requestHead(upgradeRequest(headers));
    }

    private static String upgradeRequest(Map<String, String> headers) {
        StringBuilder request = new StringBuilder("GET /mqtt HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        return request.append("\r\n").toString();
    }

    @Test
    void handshakesWithoutKeyOrVersionGetAnHttpAnswer_RFC6455_4_2_1() throws Exception {
        start(WebSocketSettings.defaults());
        assertThat(upgrade(Map.of("Sec-WebSocket-Version", "13")))
                .startsWith("HTTP/1.1 400").contains("no valid Sec-WebSocket-Key");
        assertThat(upgrade(Map.of("Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dG9vIHNob3J0")))
                .as("a key must be 16 bytes").startsWith("HTTP/1.1 400");
        assertThat(upgrade(Map.of("Sec-WebSocket-Key", KEY)))
                .startsWith("HTTP/1.1 400").contains("sec-websocket-version: 13");
        assertThat(upgrade(Map.of("Sec-WebSocket-Key", KEY, "Sec-WebSocket-Version", "8")))
                .as("RFC 6455 4.4: 426 naming the versions spoken").startsWith("HTTP/1.1 426").contains("sec-websocket-version: 13");
        assertThat(http.request("POST /mqtt HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n")).startsWith("HTTP/1.1 400");
        // and a complete handshake still upgrades
        assertThat(upgraded(Map.of("Sec-WebSocket-Key", KEY, "Sec-WebSocket-Version", "13", "Sec-WebSocket-Protocol", "mqtt")))
                .startsWith("HTTP/1.1 101").contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=");
    }

    @Test
    void originsOutsideTheAllowListAreRefusedWith403() throws Exception {
        start(WebSocketSettings.defaults().withAllowedOrigins("https://app.example.com"));
        Map<String, String> handshake = Map.of("Sec-WebSocket-Key", KEY, "Sec-WebSocket-Version", "13");
        try (LogCapture log = LogCapture.of(HttpRouter.class)) {
            assertThat(upgrade(with(handshake, "Origin", "https://evil.example.net"))).startsWith("HTTP/1.1 403").contains("not allowed");
            assertThat(log.messages()).singleElement().asString().contains("refused with 403")
                    .contains("origin 'https://evil.example.net' is not allowed (websocket.allowed_origins)");
            assertThat(log.anyStackTrace()).isFalse();
        }
        assertThat(upgrade(with(handshake, "Origin", "null"))).startsWith("HTTP/1.1 403");
        assertThat(upgraded(with(handshake, "Origin", "https://APP.example.com"))).as("origins compare case-insensitively").startsWith("HTTP/1.1 101");
        assertThat(upgraded(handshake)).as("clients that are not browsers send no Origin").startsWith("HTTP/1.1 101");
    }

    @Test
    void withoutAnAllowListEveryOriginUpgrades() throws Exception {
        start(WebSocketSettings.defaults());
        assertThat(upgraded(Map.of("Sec-WebSocket-Key", KEY, "Sec-WebSocket-Version", "13", "Origin", "https://anywhere.example")))
                .startsWith("HTTP/1.1 101");
    }

    @Test
    void malformedPercentEncodingIsAnswered400() throws Exception {
        start(WebSocketSettings.defaults());
        assertThat(http.get("/%zz")).startsWith("HTTP/1.1 400").contains("malformed percent-encoding");
        assertThat(http.get("/index.html?q=%zz")).startsWith("HTTP/1.1 400");
        assertThat(http.get("/index.html")).startsWith("HTTP/1.1 200");
    }

    @Test
    void hiddenFilesAreNotServedByDefault() throws Exception {
        start(WebSocketSettings.defaults());
        for (String path : new String[]{"/.env", "/.git/config", "/app/.cache/x.js", "/%2eenv", "/./.env", "/env.txt"}) {
            assertThat(http.get(path)).as(path).startsWith("HTTP/1.1 404").doesNotContain("hunter2").doesNotContain("secret")
                    .doesNotContain("hidden");
        }
        assertThat(http.get("/")).startsWith("HTTP/1.1 200").endsWith("<h1>hi</h1>");
    }

    @Test
    void hiddenFilesAreServedWhenAllowed() throws Exception {
        start(WebSocketSettings.defaults().withServeHiddenFiles(true));
        assertThat(http.get("/.env")).startsWith("HTTP/1.1 200").endsWith("DB_PASSWORD=hunter2");
        assertThat(http.get("/env.txt")).startsWith("HTTP/1.1 200");
        assertThat(http.get("/../index.html")).as("traversal stays refused").startsWith("HTTP/1.1 404");
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put(name, value);
        return all;
    }
}
