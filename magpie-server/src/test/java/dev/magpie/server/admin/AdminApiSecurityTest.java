package dev.magpie.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Authentication, users, ACL rules, bans, API keys, retained messages and publishing through {@code /api/v1}. */
class AdminApiSecurityTest {
    private final ApiBroker api = new ApiBroker();

    @AfterEach
    void stop() {
        api.close();
    }

    private MqttClient client(String id, String user, List<String> received, Runnable lost) throws MqttException {
        return api.v3(id, user, true, received, lost);
    }

    @Test
    void withoutOrWithWrongCredentialsOrAsANonAdminTheAnswerIs401() {
        ApiBroker.Answer none = api.get("/api/v1/clients");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body().at("/error/code").asText()).isEqualTo("unauthorized");
        assertThat(none.header("WWW-Authenticate")).contains("Bearer realm=\"magpie\"");
        assertThat(api.call("GET", "/api/v1/clients", null, "Bearer made-up").status()).isEqualTo(401);
        assertThat(api.call("GET", "/api/v1/clients", null, "Bearer mgp_made-up").status()).isEqualTo(401);
        assertThat(api.call("GET", "/api/v1/clients", null, ApiBroker.basic(ApiBroker.ADMIN, "wrong")).status()).isEqualTo(401);
        assertThat(api.call("GET", "/api/v1/clients", null, ApiBroker.basic("alice", "alice-pw")).status()).as("not an admin").isEqualTo(401);
        ApiBroker.Answer login = api.post("/api/v1/login", "{\"username\":\"alice\",\"password\":\"alice-pw\"}", null);
        assertThat(login.status()).isEqualTo(401);
        assertThat(login.body().at("/error/code").asText()).isEqualTo("bad_credentials");
        assertThat(api.post("/api/v1/login", "{\"username\":\"nobody\",\"password\":\"x\"}", null).body().at("/error/code").asText())
                .isEqualTo("bad_credentials");

        assertThat(api.call("GET", "/api/v1/clients", null, ApiBroker.basic(ApiBroker.ADMIN, ApiBroker.ADMIN_PASSWORD)).status())
                .as("Basic with an admin").isEqualTo(200);
        api.login();
        assertThat(api.get("/api/v1/broker").status()).isEqualTo(200);
        assertThat(api.post("/api/v1/logout", "").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/broker").status()).as("token forgotten").isEqualTo(401);
    }

    @Test
    void aBrowserRequestFromAnotherOriginIsRefusedEvenWithValidCredentials() throws Exception {
        api.login();
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/users"))
                .header("Origin", "https://evil.example").header("Authorization", ApiBroker.basic(ApiBroker.ADMIN, ApiBroker.ADMIN_PASSWORD))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"mallory\",\"password\":\"x\",\"admin\":true}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(ApiBroker.JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("forbidden");
        assertThat(api.get("/api/v1/users/mallory").status()).isEqualTo(404);
        java.net.http.HttpResponse<String> same = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/broker"))
                .header("Origin", "http://127.0.0.1:" + api.broker.port("ws")).header("Authorization", "Bearer " + api.token()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(same.statusCode()).as("the dashboard's own origin").isEqualTo(200);
    }

    @Test
    void repeatedWrongPasswordsAreThrottledLikeMqttLogins() {
        int status = 0;
        for (int i = 0; i < 6 && status != 429; i++) {
            status = api.post("/api/v1/login", "{\"username\":\"boss\",\"password\":\"guess" + i + "\"}", null).status();
        }
        assertThat(status).isEqualTo(429);
        ApiBroker.Answer refused = api.post("/api/v1/login", "{\"username\":\"boss\",\"password\":\"" + ApiBroker.ADMIN_PASSWORD + "\"}", null);
        assertThat(refused.status()).as("even the right password waits").isEqualTo(429);
        assertThat(refused.body().at("/error/code").asText()).isEqualTo("throttled");
        assertThat(refused.header("Retry-After")).isPresent();
    }

    @Test
    void usersCanBeAddedChangedMadeAdminAndRemoved() {
        api.login();
        ApiBroker.Answer added = api.post("/api/v1/users", "{\"name\":\"carol\",\"password\":\"c-pw\"}");
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.body().get("admin").asBoolean()).isFalse();
        assertThat(api.post("/api/v1/users", "{\"name\":\"carol\",\"password\":\"c-pw\"}").status()).isEqualTo(409);
        assertThat(api.post("/api/v1/users", "{\"name\":\"bad/name\",\"password\":\"x\"}").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/users").body().get("items")).extracting(n -> n.get("name").asText() + ":" + n.get("admin").asBoolean())
                .containsExactly("alice:false", "bob:false", "boss:true", "carol:false");
        assertThat(api.call("GET", "/api/v1/broker", null, ApiBroker.basic("carol", "c-pw")).status()).isEqualTo(401);

        assertThat(api.put("/api/v1/users/carol", "{\"admin\":true,\"password\":\"c-pw2\"}").body().get("admin").asBoolean()).isTrue();
        assertThat(api.call("GET", "/api/v1/broker", null, ApiBroker.basic("carol", "c-pw2")).status()).as("now an admin").isEqualTo(200);
        assertThat(api.get("/api/v1/users/carol").body().get("admin").asBoolean()).isTrue();
        assertThat(api.put("/api/v1/users/boss", "{\"admin\":false}").status()).as("not one's own flag").isEqualTo(409);
        assertThat(api.delete("/api/v1/users/carol").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/users/carol").status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/users/carol").status()).isEqualTo(404);
    }

    @Test
    void aDatabaseAclRuleDeniesASubscriptionUntilItIsRemoved() throws Exception {
        api.login();
        ApiBroker.Answer rule = api.post("/api/v1/acl", "{\"user\":\"alice\",\"access\":\"deny\",\"topic\":\"secret/#\"}");
        assertThat(rule.status()).isEqualTo(201);
        long id = rule.body().get("id").asLong();
        assertThat(api.get("/api/v1/acl").body().get("items").get(0).get("topic").asText()).isEqualTo("secret/#");
        assertThat(api.post("/api/v1/acl", "{\"access\":\"sometimes\",\"topic\":\"x\"}").status()).isEqualTo(400);

        MqttClient alice = client("alice-1", "alice", new CopyOnWriteArrayList<>(), () -> { });
        assertThat(alice.subscribeWithResponse("secret/plans", 1).getGrantedQos()[0]).as("SUBACK 0x80").isEqualTo(0x80);
        assertThat(alice.subscribeWithResponse("public/plans", 1).getGrantedQos()[0]).isEqualTo(1);

        assertThat(api.delete("/api/v1/acl/" + id).status()).isEqualTo(204);
        assertThat(alice.subscribeWithResponse("secret/plans", 1).getGrantedQos()[0]).isEqualTo(1);
        assertThat(api.delete("/api/v1/acl/" + id).status()).isEqualTo(404);
    }

    @Test
    void aBanDisconnectsAndRefusesTheClientUntilLifted() throws Exception {
        api.login();
        AtomicInteger lost = new AtomicInteger();
        client("bob-1", "bob", new CopyOnWriteArrayList<>(), lost::incrementAndGet);

        ApiBroker.Answer ban = api.post("/api/v1/bans", "{\"kind\":\"username\",\"value\":\"bob\",\"reason\":\"test\",\"durationSeconds\":600}");
        assertThat(ban.status()).isEqualTo(201);
        assertThat(ban.body().get("id").asText()).isEqualTo("username:bob");
        assertThat(ban.body().get("expiresAt").asText()).startsWith("20");
        await().atMost(Duration.ofSeconds(10)).until(() -> lost.get() == 1);
        assertThatThrownBy(() -> client("bob-2", "bob", new CopyOnWriteArrayList<>(), () -> { })).isInstanceOf(MqttException.class);
        assertThat(api.get("/api/v1/bans").body().get("items")).extracting(n -> n.get("id").asText()).containsExactly("username:bob");
        assertThat(api.post("/api/v1/bans", "{\"kind\":\"address\",\"value\":\"not-an-ip\"}").status()).isEqualTo(400);

        assertThat(api.delete("/api/v1/bans/username:bob").status()).isEqualTo(204);
        assertThat(client("bob-3", "bob", new CopyOnWriteArrayList<>(), () -> { }).isConnected()).isTrue();
        assertThat(api.delete("/api/v1/bans/username:bob").status()).isEqualTo(404);
    }

    @Test
    void anApiKeyWorksAsABearerTokenUntilRemoved() {
        api.login();
        ApiBroker.Answer made = api.post("/api/v1/apikeys", "{\"name\":\"backup\"}");
        assertThat(made.status()).isEqualTo(201);
        String key = made.body().get("key").asText();
        assertThat(key).startsWith("mgp_");
        assertThat(api.get("/api/v1/apikeys").body().toString()).contains("backup").doesNotContain(key);

        assertThat(api.call("GET", "/api/v1/clients", null, "Bearer " + key).status()).isEqualTo(200);
        assertThat(api.delete("/api/v1/apikeys/backup").status()).isEqualTo(204);
        assertThat(api.call("GET", "/api/v1/clients", null, "Bearer " + key).status()).isEqualTo(401);
    }

    @Test
    void retainedMessagesCanBeListedReadAndDeletedAndANewSubscriberThenGetsNothing() throws Exception {
        api.login();
        MqttClient publisher = client("pub", null, new CopyOnWriteArrayList<>(), () -> { });
        publisher.publish("cfg/a", "alpha".getBytes(StandardCharsets.UTF_8), 1, true);
        publisher.publish("cfg/b/c", new byte[]{(byte) 0xff, 0, 1}, 0, true);
        publisher.publish("other", "x".getBytes(StandardCharsets.UTF_8), 0, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/retained").body().get("total").asInt() == 3);

        JsonNode list = api.get("/api/v1/retained?filter=cfg/%23").body();
        assertThat(list.get("items")).extracting(n -> n.get("topic").asText()).containsExactly("cfg/a", "cfg/b/c");
        assertThat(list.get("items").get(0).get("payloadPreview").asText()).isEqualTo("alpha");
        assertThat(list.get("items").get(1).get("payloadEncoding").asText()).isEqualTo("base64");
        JsonNode one = api.get("/api/v1/retained/cfg/b/c").body();
        assertThat(one.get("payload").asText()).isEqualTo("/wAB");
        assertThat(one.get("qos").asInt()).isZero();
        assertThat(api.get("/api/v1/topics?filter=cfg/%23").body().get("items")).extracting(n -> n.get("topic").asText())
                .containsExactly("cfg/a", "cfg/b/c");

        assertThat(api.delete("/api/v1/retained/cfg%2Fa").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/retained/cfg/a").status()).isEqualTo(404);
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient late = client("late", null, received, () -> { });
        late.subscribe("cfg/#", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("cfg/b/c=" + new String(new byte[]{(byte) 0xff, 0, 1},
                StandardCharsets.UTF_8)));
        assertThat(received).noneMatch(m -> m.startsWith("cfg/a"));
        assertThat(api.get("/api/v1/retained?filter=a/%23/b").status()).isEqualTo(400);
    }

    @Test
    void aPublishThroughTheApiReachesASubscriber() throws Exception {
        api.login();
        List<String> received = new CopyOnWriteArrayList<>();
        client("sub", null, received, () -> { }).subscribe("alerts/#", 1);

        ApiBroker.Answer a = api.post("/api/v1/publish", "{\"topic\":\"alerts/fire\",\"payload\":\"run\",\"qos\":1}");
        assertThat(a.status()).isEqualTo(202);
        assertThat(api.post("/api/v1/publish", "{\"topic\":\"alerts/bin\",\"payload\":\"aGk=\",\"encoding\":\"base64\"}").status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).until(() -> received.containsAll(List.of("alerts/fire=run", "alerts/bin=hi")));
        assertThat(api.post("/api/v1/publish", "{\"topic\":\"alerts/#\",\"payload\":\"x\"}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/publish", "not json").status()).isEqualTo(400);
    }

    @Test
    void theBrokerStatsAndListenersDescribeTheRunningBroker() throws MqttException {
        api.login();
        MqttClient publisher = client("stats-pub", null, new CopyOnWriteArrayList<>(), () -> { });
        publisher.publish("stats/a", "0123456789".getBytes(StandardCharsets.UTF_8), 1, false);
        JsonNode broker = api.get("/api/v1/broker").body();
        assertThat(broker.get("version").asText()).isEqualTo("test");
        assertThat(broker.get("listeners")).extracting(n -> n.get("name").asText()).containsExactly("tcp", "ws");
        assertThat(broker.get("listeners").get(1).get("port").asInt()).isEqualTo(api.broker.port("ws"));
        assertThat(broker.get("listeners").get(1).get("websocketPaths").get(0).asText()).isEqualTo("/mqtt");
        JsonNode stats = api.get("/api/v1/stats").body();
        assertThat(stats.fieldNames()).toIterable().contains("time", "connections", "sessionsOnline", "sessionsOffline", "messagesReceived",
                "messagesSent", "messagesDropped", "subscriptions", "retained");
        // the same counts as $SYS/broker/bytes/received: the CONNECT and the PUBLISH at least
        assertThat(stats.get("messagesReceived").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(stats.get("bytesReceived").asLong()).isGreaterThanOrEqualTo(10 + 7 + 12);
        assertThat(stats.get("bytesSent").asLong()).isGreaterThanOrEqualTo(4 + 4);
        assertThat(api.get("/api/v1/listeners").body().get("total").asInt()).isEqualTo(2);
        assertThat(api.get("/api/v1/nothing").status()).isEqualTo(404);
        assertThat(api.call("PATCH", "/api/v1/broker", null, "Bearer " + api.token()).status()).isEqualTo(405);
    }
}
