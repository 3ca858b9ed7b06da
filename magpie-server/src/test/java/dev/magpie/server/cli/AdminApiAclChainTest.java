package dev.magpie.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.magpie.Broker;
import dev.magpie.store.UserStore;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database's ACL rules in a {@code serve} with a deny-by-default {@code acl_file}: asked before the file, so a rule
 * added through {@code POST /api/v1/acl} grants what the file refuses, and the file's own grants still count.
 */
class AdminApiAclChainTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<ServeCommand.Running> running = new ArrayList<>();
    private final List<MqttClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnectForcibly(100, 100);
            }
            c.close(true);
        }
        running.forEach(ServeCommand.Running::close);
    }

    @Test
    void aDatabaseRuleGrantsWhatADenyByDefaultAclFileRefuses() throws Exception {
        Path data = dir.resolve("data");
        try (UserStore users = UserStore.open(data)) {
            users.add("root", "root-pw".toCharArray(), true);
            users.add("alice", "alice-pw".toCharArray());
        }
        Files.writeString(dir.resolve("acl.conf"), "user alice\ntopic read public/#\n");
        Path config = Files.writeString(dir.resolve("magpie.yaml"), """
                data_dir: %s
                listeners:
                  - {name: mqtt, type: tcp, bind: 127.0.0.1, port: 0}
                  - {name: http, type: ws, bind: 127.0.0.1, port: 0}
                security: {acl_file: acl.conf, default_policy: deny}
                admin: {enabled: true}
                """.formatted(data));
        ServeCommand serve = new ServeCommand(Map.of());
        new CommandLine(serve).parseArgs("--config", config.toString());
        ServeCommand.Running started = serve.start(new PrintWriter(new StringWriter(), true));
        running.add(started);
        Broker broker = started.broker();

        MqttClient alice = new MqttClient("tcp://127.0.0.1:" + broker.port("mqtt"), "alice-1", new MemoryPersistence());
        clients.add(alice);
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName("alice");
        o.setPassword("alice-pw".toCharArray());
        alice.connect(o);
        assertThat(alice.subscribeWithResponse("public/news", 1).getGrantedQos()[0]).as("the file grants it").isEqualTo(1);
        assertThat(alice.subscribeWithResponse("extra/x", 1).getGrantedQos()[0]).as("the file's default refuses it").isEqualTo(0x80);

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + broker.port("http") + "/api/v1";
        HttpResponse<String> added = http.send(HttpRequest.newBuilder(URI.create(base + "/acl"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("root:root-pw".getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\",\"access\":\"read\",\"topic\":\"extra/#\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);

        assertThat(alice.subscribeWithResponse("extra/x", 1).getGrantedQos()[0]).as("granted by the database rule").isEqualTo(1);
        assertThat(alice.subscribeWithResponse("public/more", 1).getGrantedQos()[0]).as("no database rule: the file decides").isEqualTo(1);
        JsonNode acl = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/acl"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("root:root-pw".getBytes())).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(acl.get("items").get(0).get("topic").asText()).isEqualTo("extra/#");
        assertThat(acl.get("fileRules").get(0).get("topic").asText()).isEqualTo("public/#");
        assertThat(acl.get("fileDefault").asText()).isEqualTo("deny");
    }
}
