package dev.magpie.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.magpie.Listener;
import dev.magpie.server.config.ConfigLoader;
import dev.magpie.server.config.ConfigView;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The OpenAPI document, the masked configuration and the listener rule. */
class AdminApiDocumentTest {

    @Test
    void theOpenApiDocumentIsJsonAndListsExactlyTheRoutesTheRouterServes() throws Exception {
        try (ApiBroker api = new ApiBroker()) {
            ApiBroker.Answer doc = api.get("/api/v1/openapi.json");
            assertThat(doc.status()).as("no login needed").isEqualTo(200);
            assertThat(doc.body().get("openapi").asText()).isEqualTo("3.1.0");

            List<String> documented = new ArrayList<>();
            doc.body().get("paths").properties().forEach(path -> path.getValue().properties()
                    .forEach(method -> documented.add(method.getKey().toUpperCase() + " " + path.getKey())));
            List<String> served = api.api.routes().stream().map(r -> r.method() + " " + r.openApiPath()).toList();
            assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
            assertThat(served).contains("POST /api/v1/login", "GET /api/v1/clients", "DELETE /api/v1/clients/{clientId}",
                    "POST /api/v1/clients/kick", "GET /api/v1/retained/{topic}", "DELETE /api/v1/sessions/{clientId}", "GET /api/v1/config",
                    "POST /api/v1/publish", "GET /api/v1/bans", "POST /api/v1/acl", "GET /api/v1/apikeys", "GET /api/v1/openapi.json");
            doc.body().get("paths").forEach(item -> item.forEach(op -> {
                assertThat(op.get("summary").asText()).isNotBlank();
                assertThat(op.get("responses").size()).isGreaterThan(1);
            }));
            // every route the table holds answers something other than "no such call"
            for (ApiRouter.Route r : api.api.routes()) {
                String path = r.template().replaceAll("\\{[^}]+}", "x");
                ApiBroker.Answer a = api.call(r.method(), path, "{}", null);
                assertThat(a.body().path("error").path("code").asText()).as("%s %s", r.method(), path).isNotEqualTo("method_not_allowed");
            }
        }
    }

    @Test
    void theEffectiveConfigurationShowsNoSecret() {
        String yaml = """
                listeners:
                  - {name: tcp, type: tcp, bind: 127.0.0.1, port: 1883}
                security:
                  authentication:
                    - {type: builtin}
                    - {type: jdbc, url: "jdbc:postgresql://dbuser:hunter2@db.example/mqtt?password=hunter3", user: dbuser, password: hunter4,
                       query: "SELECT password_hash FROM users WHERE name = ?"}
                    - {type: jwt, algorithm: HS256, secret: "jwt-secret-value-that-is-long-enough-0123456789"}
                webhooks:
                  - {url: "https://hooks.example.com/x", events: [client.connected], secret: "hook-secret-value"}
                """;
        JsonNode masked = ConfigView.masked(new ConfigLoader(Map.of()).parse(yaml, "test.yaml"));

        String text = masked.toString();
        assertThat(text).doesNotContain("hunter2", "hunter3", "hunter4", "jwt-secret-value", "hook-secret-value")
                .contains(ConfigView.MASK, "hooks.example.com", "127.0.0.1");
        assertThat(masked.at("/webhooks/0/secret").asText()).isEqualTo(ConfigView.MASK);
        assertThat(masked.at("/listeners/0/port").asInt()).isEqualTo(1883);
    }

    @Test
    void theConfigCallAnswersTheMaskedTree() {
        JsonNode tree = ConfigView.masked(new ConfigLoader(Map.of()).parse("webhooks: [{url: 'https://h.example/x', events: [client.connected], secret: s3cr3t-value-0123456789}]\n", "t"));
        try (ApiBroker api = new ApiBroker(Listener.ws("127.0.0.1", 0).named("ws"), tree)) {
            api.login();
            ApiBroker.Answer config = api.get("/api/v1/config");
            assertThat(config.status()).isEqualTo(200);
            assertThat(config.body().toString()).doesNotContain("s3cr3t-value").contains("h.example");
        }
    }

    @Test
    void aPlainListenerNotBoundToLoopbackRefusesWithInsecureListener() throws Exception {
        Optional<InetAddress> external = externalAddress();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address; the rule is unit-tested below");
        String host = external.get().getHostAddress();
        try (ApiBroker api = new ApiBroker(Listener.ws(host, 0).named("ws"), ApiBroker.JSON.createObjectNode())) {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + host + ":" + api.broker.port("ws") + "/api/v1/login"))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"boss\",\"password\":\"boss-pw\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(ApiBroker.JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("insecure_listener");
        }
    }

    @Test
    void theListenerRuleAllowsTlsAnywhereAndPlainHttpOnlyOnLoopback() {
        assertThat(ListenerRule.allows(false, "127.0.0.1")).isTrue();
        assertThat(ListenerRule.allows(false, "::1")).isTrue();
        assertThat(ListenerRule.allows(false, "localhost")).isTrue();
        assertThat(ListenerRule.allows(false, "0.0.0.0")).isFalse();
        assertThat(ListenerRule.allows(false, "192.0.2.10")).isFalse();
        assertThat(ListenerRule.allows(false, null)).isFalse();
        assertThat(ListenerRule.allows(true, "0.0.0.0")).isTrue();
        // bind addresses, recognised without DNS
        assertThat(ListenerRule.isLoopback("127.1.2.3")).isTrue();
        assertThat(ListenerRule.isLoopback("[::1]")).isTrue();
        assertThat(ListenerRule.isLoopback("::")).isFalse();
        assertThat(ListenerRule.isLoopback("192.168.1.10")).isFalse();
        assertThat(ListenerRule.isLoopback("broker.example.com")).isFalse();
    }

    private static Optional<InetAddress> externalAddress() throws Exception {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
