package dev.magpie.clients;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.WebSocketSettings;
import dev.magpie.spi.HttpRoute;
import dev.magpie.testkit.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * MQTT.js against every listener kind, in Node (mqtt://, mqtts://, ws://, wss://), as the seed's WeChat mini
 * program (wxs:// through a {@code wx.connectSocket} shim) and in Chromium on a page the broker serves over
 * HTTPS. The scripts live in {@code clients/js/test}; this test starts one broker, hands them its ports and
 * CA through {@code MAGPIE_*} variables and requires each to exit 0 ({@link NodeScripts}). The MQTT 5 feature
 * suites run from {@link MqttJsMqtt5Test}.
 *
 * <p>Skipped only on a developer machine without node, {@code npm ci} or chromium; under CI (the variable
 * {@code CI} is set by {@code .ci/run}'s environment) a missing tool fails the test instead.
 */
class MqttJsTest {
    private static final Path CLIENTS = NodeScripts.CLIENTS;
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    static Path folder;
    static TestCertificates certs;
    static Broker broker;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(folder);
        Path www = Files.createDirectories(folder.resolve("www"));
        Files.copy(CLIENTS.resolve("page/index.html"), www.resolve("index.html"));
        Path bundle = CLIENTS.resolve("node_modules/mqtt/dist/mqtt.min.js");
        if (Files.exists(bundle)) {
            Files.copy(bundle, www.resolve("mqtt.min.js"), StandardCopyOption.REPLACE_EXISTING);
        }
        TlsSettings tls = TlsSettings.pem(certs.serverCert, certs.serverKey);
        broker = Broker.builder()
                .listener(Listener.tcp("127.0.0.1", 0).anonymous(true))
                .listener(Listener.tls("127.0.0.1", 0, tls).anonymous(true))
                .listener(Listener.ws("127.0.0.1", 0).anonymous(true))
                .listener(Listener.wss("127.0.0.1", 0, tls).anonymous(true)
                        .withWebSocket(WebSocketSettings.defaults().withPaths("/mqtt", "/").withStaticFiles(www)))
                .httpRoute("/hello", request -> HttpRoute.Response.text("hello world!"))
                .build().start();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    /** Runs one node:test script against the broker, handing it the listeners' ports and the CA. */
    private static void runScript(String script, Map<String, String> extraEnv) throws Exception {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("MAGPIE_TCP_PORT", String.valueOf(broker.port("tcp")));
        env.put("MAGPIE_TLS_PORT", String.valueOf(broker.port("tls")));
        env.put("MAGPIE_WS_PORT", String.valueOf(broker.port("ws")));
        env.put("MAGPIE_WSS_PORT", String.valueOf(broker.port("wss")));
        env.put("MAGPIE_CA", certs.caCert.toString());
        NodeScripts.run(script, env);
    }

    @Test
    void mqttJsInNodeOverTcpTlsWsAndWss() throws Exception {
        NodeScripts.requireNode();
        runScript("transports.test.js", Map.of());
    }

    @Test
    void weChatMiniProgramOverWxsLikeTheSeed() throws Exception {
        NodeScripts.requireNode();
        runScript("wechat.test.js", Map.of());
    }

    @Test
    void chromiumLoadsAPageFromTheBrokerAndTalksMqttOverWss() throws Exception {
        NodeScripts.requireNode();
        boolean chromium = Files.isExecutable(CHROMIUM);
        assumeTrue(chromium || NodeScripts.underCi(), "no /usr/bin/chromium: skipped locally");
        assertThat(chromium).as("/usr/bin/chromium is installed").isTrue();
        runScript("browser.test.js", Map.of("MAGPIE_CHROMIUM", CHROMIUM.toString()));
    }
}
