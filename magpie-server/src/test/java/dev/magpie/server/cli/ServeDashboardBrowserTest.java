package dev.magpie.server.cli;

import dev.magpie.clients.NodeScripts;
import dev.magpie.store.UserStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in Debian's Chromium (playwright-core, {@code clients/js/test/dashboard.test.js}) against a real
 * {@code magpie serve} started in-process: a tcp listener for the MQTT.js clients the script starts, and a ws
 * listener bound to loopback (so plain HTTP is allowed) that serves {@code /dashboard/}, {@code /api/v1} and MQTT on
 * {@code /mqtt} for the live view, with anonymous clients refused there so the live view must log in as the admin.
 *
 * <p>Set {@code MAGPIE_SCREENSHOTS} to an absolute directory (e.g. {@code $PWD/docs/images}) to have the script save a
 * screenshot of each page. Skipped without node, {@code npm ci} or chromium locally; fails under CI.
 */
class ServeDashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String ADMIN = "admin";
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;

    private ServeCommand.Running running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    @Test
    void anAdminLogsInSeesAClientKicksItAndWatchesAPublishedMessageLive() throws Exception {
        NodeScripts.requireNode();
        boolean chromium = Files.isExecutable(CHROMIUM);
        assumeTrue(chromium || NodeScripts.underCi(), "no /usr/bin/chromium: skipped locally");
        assertThat(chromium).as("/usr/bin/chromium is installed").isTrue();
        NodeScripts.run("dashboard.test.js", startServe());
    }

    @Test
    void theLiveViewsMqttClientSpeaksMqtt311OverWebSocketToTheBroker() throws Exception {
        NodeScripts.requireNode();
        NodeScripts.run("dashboard-mqtt.test.js", startServe());
    }

    /** Starts serve with an admin user and returns the variables the scripts read. */
    private Map<String, String> startServe() throws Exception {
        Path data = dir.resolve("data");
        try (UserStore users = UserStore.open(data)) {
            users.add(ADMIN, PASSWORD.toCharArray(), true);
        }
        Path config = Files.writeString(dir.resolve("magpie.yaml"), """
                data_dir: %s
                admin: {enabled: true}
                listeners:
                  - name: mqtt
                    type: tcp
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                  - name: local-web
                    type: ws
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: false
                    websocket:
                      paths: [/mqtt]
                """.formatted(data));
        ServeCommand serve = new ServeCommand(Map.of());
        // and --dev's HTTPS listener (on a free port instead of 8443), where the dashboard's live view uses wss://
        new CommandLine(serve).parseArgs("--config", config.toString(), "--dev", "--dev-tls-port", "0", "--dev-wss-port", "0");
        running = serve.start(new PrintWriter(new StringWriter(), true));

        Map<String, String> env = new HashMap<>();
        env.put("MAGPIE_DASHBOARD_URL", "http://127.0.0.1:" + running.broker().port("local-web") + "/dashboard/");
        env.put("MAGPIE_TCP_PORT", String.valueOf(running.broker().port("mqtt")));
        env.put("MAGPIE_ADMIN_USER", ADMIN);
        env.put("MAGPIE_ADMIN_PASSWORD", PASSWORD);
        env.put("MAGPIE_DEV_URL", "https://localhost:" + running.broker().port(DevListeners.WSS_NAME) + "/dashboard/");
        env.put("MAGPIE_WS_PORT", String.valueOf(running.broker().port("local-web")));
        env.put("MAGPIE_CHROMIUM", CHROMIUM.toString());
        return env;
    }
}
