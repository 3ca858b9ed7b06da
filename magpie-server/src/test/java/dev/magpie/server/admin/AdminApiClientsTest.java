package dev.magpie.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.RawMqttClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The client, session and subscription calls of {@code /api/v1} against a real broker with real Paho clients. */
class AdminApiClientsTest {
    private final ApiBroker api = new ApiBroker().login();
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // may be gone already
            }
        }
        api.close();
    }

    private MqttClient v3(String id, String user, boolean clean, List<String> received, Runnable lost) throws MqttException {
        return api.v3(id, user, clean, received, lost);
    }

    private MqttClient v3(String id, String user) throws MqttException {
        return v3(id, user, true, new CopyOnWriteArrayList<>(), () -> { });
    }

    @Test
    void theClientListShowsConnectedClientsWithFiltersAndPaging() throws Exception {
        v3("a-1", "alice");
        v3("a-2", "alice");
        v3("b-1", "bob");
        MqttClient gone = v3("p-1", null, false, new CopyOnWriteArrayList<>(), () -> { });
        gone.subscribe("p/#", 1);
        gone.disconnect();
        await().atMost(Duration.ofSeconds(10)).until(() -> !api.get("/api/v1/clients/p-1").body().get("connected").asBoolean());

        ApiBroker.Answer all = api.get("/api/v1/clients");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body().get("total").asInt()).isEqualTo(4);
        assertThat(ids(all.body())).containsExactly("a-1", "a-2", "b-1", "p-1");
        JsonNode first = all.body().get("items").get(0);
        assertThat(first.get("username").asText()).isEqualTo("alice");
        assertThat(first.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(first.get("protocol").asText()).isEqualTo("3.1.1");
        assertThat(first.get("connected").asBoolean()).isTrue();
        assertThat(first.get("keepAlive").asInt()).isEqualTo(30);
        assertThat(first.get("connectedAt").asText()).startsWith("20");

        assertThat(ids(api.get("/api/v1/clients?user=alice").body())).containsExactly("a-1", "a-2");
        assertThat(ids(api.get("/api/v1/clients?state=connected").body())).containsExactly("a-1", "a-2", "b-1");
        JsonNode offline = api.get("/api/v1/clients?state=disconnected").body();
        assertThat(ids(offline)).containsExactly("p-1");
        assertThat(offline.get("items").get(0).get("subscriptions").asInt()).isEqualTo(1);
        assertThat(ids(api.get("/api/v1/sessions").body())).as("sessions default to offline ones").containsExactly("p-1");
        assertThat(ids(api.get("/api/v1/clients?q=-1&address=127.0.0").body())).containsExactly("a-1", "b-1", "p-1");
        JsonNode page = api.get("/api/v1/clients?page=1&size=3").body();
        assertThat(ids(page)).containsExactly("p-1");
        assertThat(page.get("total").asInt()).isEqualTo(4);
        assertThat(page.get("page").asInt()).isEqualTo(1);
        assertThat(page.get("size").asInt()).isEqualTo(3);
        assertThat(api.get("/api/v1/clients?size=501").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/clients?state=sleeping").body().path("error").path("code").asText()).isEqualTo("bad_request");
    }

    @Test
    void detailsShowSubscriptionsInflightAndQueuedMessages() throws Exception {
        // a raw client does not acknowledge, so what it was sent stays in flight
        RawMqttClient raw = RawMqttClient.connected(api.broker.port("tcp"), RawMqttClient.connectPacket(MqttVersion.V5, "raw", true, 60));
        clients.add(raw);
        raw.subscribe("work/#", 1);
        MqttClient publisher = v3("pub", null);
        publisher.publish("work/1", "one".getBytes(StandardCharsets.UTF_8), 1, false);
        raw.receive(Publish.class, Duration.ofSeconds(5));

        JsonNode d = api.get("/api/v1/clients/raw").body();
        assertThat(d.get("protocol").asText()).isEqualTo("5.0");
        assertThat(d.get("subscriptionList").get(0).get("filter").asText()).isEqualTo("work/#");
        assertThat(d.get("subscriptionList").get(0).get("qos").asInt()).isEqualTo(1);
        assertThat(d.get("inflight").asInt()).isEqualTo(1);
        assertThat(d.get("inflightList").get(0).get("topic").asText()).isEqualTo("work/1");
        assertThat(d.get("inflightList").get(0).get("bytes").asInt()).isEqualTo(3);

        MqttClient away = v3("away", null, false, new CopyOnWriteArrayList<>(), () -> { });
        away.subscribe("jobs/#", 1);
        away.disconnect();
        // until the broker has handled the DISCONNECT, messages would go out (in flight) rather than wait in the queue
        await().atMost(Duration.ofSeconds(10)).until(() -> !api.get("/api/v1/clients/away").body().get("connected").asBoolean());
        for (int i = 0; i < 3; i++) {
            publisher.publish("jobs/" + i, ("job" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/clients/away").body().get("queued").asInt() == 3);
        JsonNode queued = api.get("/api/v1/clients/away").body().get("queuedList");
        assertThat(queued).hasSize(3);
        assertThat(queued.get(0).get("topic").asText()).isEqualTo("jobs/0");
        assertThat(api.get("/api/v1/clients/nobody").status()).isEqualTo(404);
    }

    @Test
    void kickDisconnectsA311ClientAndTellsA50ClientAdministrativeAction() throws Exception {
        AtomicInteger lost = new AtomicInteger();
        v3("old", null, true, new CopyOnWriteArrayList<>(), lost::incrementAndGet);
        AtomicReference<Integer> reason = new AtomicReference<>();
        org.eclipse.paho.mqttv5.client.MqttClient v5 = new org.eclipse.paho.mqttv5.client.MqttClient(api.mqttUri(), "new",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        v5.setCallback(new V5Callback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                reason.set(response.getReturnCode());
            }
        });
        v5.connect(new MqttConnectionOptions());
        clients.add(() -> v5.close(true));

        assertThat(api.delete("/api/v1/clients/old").status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/clients/new").status()).isEqualTo(204);

        await().atMost(Duration.ofSeconds(10)).until(() -> lost.get() == 1 && reason.get() != null);
        assertThat(reason.get()).as("DISCONNECT 0x98 Administrative action").isEqualTo(0x98);
        assertThat(api.delete("/api/v1/clients/old").status()).as("no longer connected").isEqualTo(404);
    }

    @Test
    void clientIdsWithSlashesAndPlusSignsAreOneEncodedPathSegment() throws Exception {
        // [MQTT-3.1.3-5] lets a server accept client ids beyond [0-9a-zA-Z]; "site/7" must not read as two segments
        AtomicInteger lost = new AtomicInteger();
        v3("site/7", null, true, new CopyOnWriteArrayList<>(), lost::incrementAndGet);
        v3("a+b c", null);

        ApiBroker.Answer details = api.get("/api/v1/clients/site%2F7");
        assertThat(details.status()).isEqualTo(200);
        assertThat(details.body().get("clientId").asText()).isEqualTo("site/7");
        assertThat(api.get("/api/v1/clients/a+b%20c").body().get("clientId").asText()).as("a plus stays a plus").isEqualTo("a+b c");
        assertThat(api.get("/api/v1/clients/site/7").status()).as("an unencoded slash is another path").isEqualTo(404);

        assertThat(api.delete("/api/v1/clients/site%2F7").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> lost.get() == 1);
    }

    @Test
    void bulkKickSaysWhichWereKickedAndWhichWereNotFound() throws Exception {
        AtomicInteger lost = new AtomicInteger();
        v3("k1", null, true, new CopyOnWriteArrayList<>(), lost::incrementAndGet);
        v3("k2", null, true, new CopyOnWriteArrayList<>(), lost::incrementAndGet);
        MqttClient stays = v3("k3", null);

        ApiBroker.Answer a = api.post("/api/v1/clients/kick", "{\"clientIds\": [\"k1\", \"k2\", \"ghost\"]}");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().get("kicked")).extracting(JsonNode::asText).containsExactly("k1", "k2");
        assertThat(a.body().get("notFound")).extracting(JsonNode::asText).containsExactly("ghost");
        await().atMost(Duration.ofSeconds(10)).until(() -> lost.get() == 2);
        assertThat(stays.isConnected()).isTrue();
        assertThat(api.post("/api/v1/clients/kick", "{\"ids\": 1}").status()).isEqualTo(400);
    }

    @Test
    void deletingAnOfflineSessionMeansTheNextConnectFindsNoSession() throws Exception {
        MqttClient c = v3("keeper", null, false, new CopyOnWriteArrayList<>(), () -> { });
        c.subscribe("k/#", 1);
        assertThat(api.delete("/api/v1/sessions/keeper").status()).as("connected: kick first").isEqualTo(409);
        c.disconnect();
        await().atMost(Duration.ofSeconds(10)).until(() -> !api.get("/api/v1/clients/keeper").body().get("connected").asBoolean());

        assertThat(api.delete("/api/v1/sessions/keeper").status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/sessions/keeper").status()).isEqualTo(404);

        MqttClient again = new MqttClient(api.mqttUri(), "keeper", new MemoryPersistence());
        MqttConnectOptions o = PahoOptions.v3();
        o.setCleanSession(false);
        boolean present = again.connectWithResult(o).getSessionPresent();
        clients.add(() -> {
            again.disconnectForcibly(100, 100);
            again.close(true);
        });
        assertThat(present).as("Session Present 0 [MQTT-3.2.2-3]").isFalse();
        assertThat(api.get("/api/v1/clients/keeper").body().get("subscriptions").asInt()).isZero();
    }

    @Test
    void kickWithSessionTrueAlsoEndsThePersistentSession() throws Exception {
        AtomicInteger lost = new AtomicInteger();
        v3("both", null, false, new CopyOnWriteArrayList<>(), lost::incrementAndGet).subscribe("b/#", 1);

        assertThat(api.delete("/api/v1/clients/both?session=true").status()).isEqualTo(204);

        await().atMost(Duration.ofSeconds(10)).until(() -> lost.get() == 1 && api.get("/api/v1/clients/both").status() == 404);
    }

    @Test
    void aSubscriptionAddedForAClientDeliversToItAndCanBeRemoved() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        v3("listener", null, true, received, () -> { });
        MqttClient publisher = v3("talker", null);
        publisher.publish("news/old", "kept".getBytes(StandardCharsets.UTF_8), 1, true);

        ApiBroker.Answer added = api.post("/api/v1/clients/listener/subscriptions", "{\"filter\": \"news/#\", \"qos\": 1}");
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.body().get("qos").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("news/old=kept"));
        publisher.publish("news/today", "fresh".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("news/today=fresh"));
        JsonNode subs = api.get("/api/v1/clients/listener/subscriptions").body();
        assertThat(subs.get("items")).extracting(n -> n.get("filter").asText()).containsExactly("news/#");
        assertThat(api.get("/api/v1/subscriptions?filter=news").body().get("items").get(0).get("clientId").asText()).isEqualTo("listener");

        assertThat(api.delete("/api/v1/clients/listener/subscriptions?filter=news/%23").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/clients/listener/subscriptions").body().get("total").asInt()).isZero();
        assertThat(api.delete("/api/v1/clients/listener/subscriptions?filter=news/%23").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/clients/listener/subscriptions", "{\"filter\": \"a/#/b\"}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/clients/ghost/subscriptions", "{\"filter\": \"a\"}").status()).isEqualTo(404);
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("items").forEach(n -> out.add(n.get("clientId").asText()));
        return out;
    }

    /** A Paho 5 callback where only what a test needs is overridden. */
    abstract static class V5Callback implements org.eclipse.paho.mqttv5.client.MqttCallback {
        @Override
        public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
        }
    }
}
