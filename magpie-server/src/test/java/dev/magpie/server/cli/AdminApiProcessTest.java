package dev.magpie.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API as an operator meets it: {@code magpie user add NAME --admin} and {@code magpie apikey add}, then a
 * real {@code magpie serve} process with {@code admin: {enabled: true}}, a login over HTTP and the client list
 * showing a connected Paho client.
 */
class AdminApiProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void anAdminAddedWithTheCliLogsInToARealServeAndListsClients() throws Exception {
        Path data = dir.resolve("data");
        UserCommandTest.Run add = UserCommandTest.run(Map.of(), UserCommandTest.terminal(null, ""),
                "user", "add", "root", "--password", "root-pw", "--admin", "--data-dir", data.toString());
        assertThat(add.exitCode()).as(add.err()).isZero();
        assertThat(add.out()).contains("added administrator root");
        UserCommandTest.Run list = UserCommandTest.run(Map.of(), UserCommandTest.terminal(null, ""), "user", "list", "--data-dir", data.toString());
        assertThat(list.out()).isEqualTo("root\tadmin" + System.lineSeparator());
        UserCommandTest.Run key = UserCommandTest.run(Map.of(), UserCommandTest.terminal(null, ""), "apikey", "add", "ci", "--data-dir", data.toString());
        assertThat(key.exitCode()).as(key.err()).isZero();
        String apiKey = key.out().trim();
        assertThat(apiKey).startsWith("mgp_");
        Path config = dir.resolve("magpie.yaml");
        Files.writeString(config, """
                data_dir: %s
                listeners:
                  - {name: mqtt, type: tcp, bind: 127.0.0.1, port: 0, allow_anonymous: true}
                  - {name: http, type: ws, bind: 127.0.0.1, port: 0}
                admin:
                  enabled: true
                """.formatted(data));

        ServeProcess server = ServeProcess.start(Map.of(), "--config", config.toString());
        open.add(server);
        int http = server.awaitPort("http");
        int mqtt = server.awaitPort("mqtt");
        MqttClient paho = new MqttClient("tcp://127.0.0.1:" + mqtt, "field-sensor", new MemoryPersistence());
        paho.connect();
        open.add(() -> {
            paho.disconnectForcibly(100, 100);
            paho.close(true);
        });

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/api/v1/login"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"root\",\"password\":\"root-pw\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String token = JSON.readTree(login.body()).get("token").asText();
        HttpResponse<String> clients = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/api/v1/clients"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(clients.statusCode()).isEqualTo(200);
        JsonNode items = JSON.readTree(clients.body()).get("items");
        assertThat(items).extracting(n -> n.get("clientId").asText()).containsExactly("field-sensor");
        HttpResponse<String> byKey = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/api/v1/broker"))
                .header("Authorization", "Bearer " + apiKey).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(byKey.statusCode()).isEqualTo(200);
        // the same version and commit string as magpie --version and $SYS/broker/version
        assertThat(JSON.readTree(byKey.body()).get("version").asText()).isEqualTo(dev.magpie.Broker.version())
                .contains("(commit ");
        assertThat(server.contains("admin API on /api/v1")).isTrue();
    }
}
