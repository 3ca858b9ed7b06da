package dev.magpie.observe.webhook;

import dev.magpie.Broker;
import dev.magpie.BrokerSettings;
import dev.magpie.spi.AuthResult;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestBrokers;
import dev.magpie.testkit.WebhookReceiver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks against a receiver on 127.0.0.1, with a real broker and real MQTT clients (Paho 3.1.1): what arrives and how
 * it is signed, the topic filter, and a receiver that is down or slow, which must cost retries and counted drops but
 * never MQTT delivery (the issue's "never slowing delivery").
 */
class WebhookDeliveryTest {
    private static final String SECRET = "a-shared-secret-of-32-characters";

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Broker broker;

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private WebhookReceiver receiver() {
        WebhookReceiver r = WebhookReceiver.start();
        toClose.add(r);
        return r;
    }

    private Broker start(Webhook hook) {
        return start(hook, BrokerSettings.defaults());
    }

    private Broker start(Webhook hook, BrokerSettings settings) {
        broker = TestBrokers.anonymous(settings).meterRegistry(registry).webhook(hook)
                .authenticator(c -> CompletableFuture.completedFuture(AuthResult.allow())).build().start();
        return broker;
    }

    private MqttClient client(String id, String username, String password) throws Exception {
        MqttClient c = new MqttClient(TestBrokers.uri(broker), id, new MemoryPersistence());
        MqttConnectOptions o = PahoOptions.v3();
        if (username != null) {
            o.setUserName(username);
            o.setPassword(password.toCharArray());
        }
        c.connect(o);
        toClose.add(() -> {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        });
        return c;
    }

    private double counter(String name, String... tags) {
        return Search.in(registry).name(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private double gauge(String name) {
        return Search.in(registry).name(name).gauges().stream().mapToDouble(g -> g.value()).max().orElse(-1);
    }

    @Test
    void everyEventArrivesSignedWithItsFieldsAndNeverThePassword() throws Exception {
        WebhookReceiver receiver = receiver();
        start(Webhook.builder(receiver.url(), SECRET).events(WebhookEvent.values()).retries(0).build());

        MqttClient sub = client("sub-1", "alice", "alice-password-not-for-hooks");
        sub.subscribe("sensors/+/temp", 1);
        AtomicInteger arrived = new AtomicInteger();
        sub.setCallback(new PahoArrivals(arrived));
        MqttClient pub = client("pub-1", null, null);
        pub.publish("sensors/1/temp", "21.5 °C".getBytes(StandardCharsets.UTF_8), 1, false);
        pub.publish("sensors/2/temp", new byte[]{(byte) 0xff, 0, 1}, 1, false); // not UTF-8
        await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == 2);
        sub.unsubscribe("sensors/+/temp");
        pub.disconnect();

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.events("client.disconnected").size() == 1
                && receiver.events("client.unsubscribed").size() == 1 && receiver.events("message.delivered").size() == 2);
        List<WebhookReceiver.Request> all = receiver.requests();
        long now = Instant.now().getEpochSecond();
        for (WebhookReceiver.Request r : all) {
            String ts = r.header(WebhookSignature.TIMESTAMP_HEADER);
            String sig = r.header(WebhookSignature.SIGNATURE_HEADER);
            assertThat(sig).startsWith("sha256=").hasSize(7 + 64);
            assertThat(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8), ts, sig, r.body(), now, Duration.ofMinutes(5)))
                    .as("signature of %s", r.event()).isTrue();
            // the wrong secret, a changed body and a replay from an hour ago all fail
            assertThat(WebhookSignature.verify("another-secret-of-enough-length".getBytes(StandardCharsets.UTF_8), ts, sig, r.body(), now,
                    Duration.ofMinutes(5))).isFalse();
            assertThat(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8), ts, sig, (new String(r.body(), StandardCharsets.UTF_8)
                    + " ").getBytes(StandardCharsets.UTF_8), now, Duration.ofMinutes(5))).isFalse();
            assertThat(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8), ts, sig, r.body(), now + 3600, Duration.ofMinutes(5)))
                    .isFalse();
            assertThat(r.header(WebhookSignature.EVENT_HEADER)).isEqualTo(r.event());
            assertThat(r.header(WebhookSignature.ID_HEADER)).isEqualTo(r.json().get("id"));
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("alice-password");
        }
        assertThat(receiver.events("client.connected")).extracting(r -> client(r).get("clientid")).containsExactlyInAnyOrder("sub-1", "pub-1");
        assertThat(client(receiver.events("client.connected").stream().filter(r -> "sub-1".equals(client(r).get("clientid"))).findFirst().orElseThrow()))
                .containsEntry("username", "alice").containsEntry("remote_address", "127.0.0.1").containsEntry("listener", "tcp")
                .containsEntry("protocol_level", 4).containsKey("remote_port");
        assertThat(receiver.events("client.subscribed")).singleElement().satisfies(r ->
                assertThat(r.json()).containsEntry("filter", "sensors/+/temp").containsEntry("qos", 1));
        assertThat(receiver.events("message.published")).extracting(r -> r.json().get("payload_encoding") + ":" + r.json().get("payload"))
                .containsExactlyInAnyOrder("utf-8:21.5 °C", "base64:/wAB");
        assertThat(receiver.events("message.published")).allSatisfy(r -> assertThat(client(r)).containsEntry("clientid", "pub-1"));
        assertThat(receiver.events("message.delivered")).allSatisfy(r -> {
            assertThat(client(r)).containsEntry("clientid", "sub-1");
            assertThat(r.json()).containsEntry("qos", 1).containsEntry("retain", false).containsKey("topic");
        });
        assertThat(receiver.events("client.unsubscribed").get(0).json()).containsEntry("filter", "sensors/+/temp");
        assertThat(receiver.events("client.disconnected").get(0).json()).containsEntry("reason", "client disconnected");
        assertThat(all).allSatisfy(r -> assertThat(r.json()).containsKeys("id", "event", "time", "client"));
        assertThat(counter("magpie.webhook.sent")).isEqualTo(all.size());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> client(WebhookReceiver.Request r) {
        return (Map<String, Object>) r.json().get("client");
    }

    @Test
    void topicFiltersChooseWhichMessagesAreSent() throws Exception {
        WebhookReceiver receiver = receiver();
        Webhook hook = Webhook.builder(receiver.url(), SECRET).events(WebhookEvent.MESSAGE_PUBLISHED, WebhookEvent.CLIENT_CONNECTED)
                .topics("sensors/#").build();
        start(hook);
        MqttClient pub = client("pub-2", null, null);
        pub.publish("other/x", "no".getBytes(StandardCharsets.UTF_8), 1, false);
        pub.publish("sensors", "parent level: '#' matches it [MQTT-4.7.1-2]".getBytes(StandardCharsets.UTF_8), 1, false);
        pub.publish("sensors/a/b", "yes".getBytes(StandardCharsets.UTF_8), 1, false);

        // other/x went through the hook first, on the same thread: had it matched, it would be held or sent by now
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.events("message.published").size() == 2
                && gauge("magpie.webhook.queued") == 0);
        assertThat(receiver.events("message.published")).extracting(r -> r.json().get("topic")).containsExactlyInAnyOrder("sensors", "sensors/a/b");
        assertThat(receiver.events("client.connected")).hasSize(1); // topic filters do not apply to client events
        assertThat(counter("magpie.webhook.sent", "webhook", hook.name())).isEqualTo(3);
        assertThat(hook.name()).doesNotContain("token"); // the query may carry a secret: never in tags or logs
    }

    @Test
    void messagesDroppedForAnOfflineSessionAreReportedWithTheReason() throws Exception {
        WebhookReceiver receiver = receiver();
        start(Webhook.builder(receiver.url(), SECRET).events(WebhookEvent.MESSAGE_DROPPED, WebhookEvent.CLIENT_DISCONNECTED).build(),
                BrokerSettings.defaults().withMaxQueuedMessages(1));
        MqttClient sub = new MqttClient(TestBrokers.uri(broker), "offline-sub", new MemoryPersistence());
        MqttConnectOptions o = PahoOptions.v3();
        o.setCleanSession(false); // a persistent session queues QoS 1 while its client is away
        sub.connect(o);
        sub.subscribe("sensors/#", 1);
        sub.disconnect();
        sub.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.events("client.disconnected").size() == 1);

        MqttClient pub = client("pub-3", null, null);
        for (int i = 0; i < 3; i++) {
            pub.publish("sensors/" + i, ("v" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        // one message fits the queue of 1; the two after it are dropped, each reported once
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.events("message.dropped").size() == 2);
        assertThat(receiver.events("message.dropped")).allSatisfy(r -> {
            assertThat(client(r)).containsEntry("clientid", "offline-sub");
            assertThat(r.json()).containsEntry("reason", "queue_full");
        }).extracting(r -> r.json().get("topic")).containsExactlyInAnyOrder("sensors/1", "sensors/2");
    }

    @Test
    void receiverThatIsDownIsRetriedThenDroppedWhileMessagesKeepFlowing() throws Exception {
        URI down = WebhookReceiver.refusingUrl();
        Webhook hook = Webhook.builder(down, SECRET).events(WebhookEvent.MESSAGE_PUBLISHED, WebhookEvent.MESSAGE_DELIVERED)
                .retries(2).backoff(Duration.ofMillis(20)).maxQueued(50).build();
        start(hook);
        int messages = 300;
        long elapsed = pumpMessages(messages, 50);

        // every event ends counted: sent never, dropped after its retries or at once when the queue was full
        await().atMost(Duration.ofSeconds(15)).until(() -> counter("magpie.webhook.dropped") == 2 * messages);
        assertThat(counter("magpie.webhook.sent")).isZero();
        assertThat(counter("magpie.webhook.retries")).isGreaterThan(0);
        assertThat(counter("magpie.webhook.dropped", "reason", "retries_exhausted")).isGreaterThan(0);
        assertThat(counter("magpie.webhook.retries")).isEqualTo(2 * counter("magpie.webhook.dropped", "reason", "retries_exhausted"));
        System.out.printf("webhook down: %d QoS 1 messages delivered in %d ms%n", messages, elapsed);
    }

    @Test
    void receiverThatIsSlowTimesOutIsRetriedThenDroppedAndItsQueueStaysBounded() throws Exception {
        WebhookReceiver receiver = receiver().hang();
        Webhook hook = Webhook.builder(receiver.url(), SECRET).events(WebhookEvent.MESSAGE_PUBLISHED)
                .timeout(Duration.ofMillis(200)).retries(1).backoff(Duration.ofMillis(50)).maxQueued(5).maxInFlight(2).build();
        start(hook);
        int messages = 300;
        long elapsed = pumpMessages(messages, 5);

        assertThat(gauge("magpie.webhook.queued")).isLessThanOrEqualTo(5);
        assertThat(counter("magpie.webhook.dropped", "reason", "queue_full")).isGreaterThanOrEqualTo(messages - 5 - 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> counter("magpie.webhook.dropped", "reason", "retries_exhausted") >= 2);
        assertThat(counter("magpie.webhook.retries")).isGreaterThanOrEqualTo(2);
        assertThat(receiver.attempts()).isGreaterThanOrEqualTo(4); // first attempts and their retries reached it
        assertThat(counter("magpie.webhook.sent")).isZero();
        System.out.printf("webhook slow: %d QoS 1 messages delivered in %d ms%n", messages, elapsed);
    }

    @Test
    void receiverThatNeverFinishesItsAnswerCannotHoldARequestSlotForever() throws Exception {
        // the JDK client's request timeout stops at the status line; a body that never ends must not pin the slot
        WebhookReceiver receiver = receiver().trickle();
        Webhook hook = Webhook.builder(receiver.url(), SECRET).events(WebhookEvent.CLIENT_CONNECTED)
                .timeout(Duration.ofMillis(200)).retries(1).backoff(Duration.ofMillis(20)).maxInFlight(1).build();
        start(hook);
        client("c-trickle", null, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> counter("magpie.webhook.dropped", "reason", "retries_exhausted") == 1);
        assertThat(receiver.attempts()).isEqualTo(2);
        assertThat(gauge("magpie.webhook.queued")).isZero();
    }

    /**
     * Publishes {@code count} QoS 1 messages from one client to another and waits for all of them; returns the
     * milliseconds it took. Also samples the webhook queue gauge on every arrival, so a bound broken in between fails.
     */
    private long pumpMessages(int count, int maxHeld) throws Exception {
        MqttClient sub = client("sub-flow", null, null);
        AtomicInteger arrived = new AtomicInteger();
        List<Double> queueSamples = new java.util.concurrent.CopyOnWriteArrayList<>();
        sub.setCallback(new PahoArrivals(arrived, () -> queueSamples.add(gauge("magpie.webhook.queued"))));
        sub.subscribe("flow/#", 1);
        MqttClient pub = client("pub-flow", null, null);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            pub.publish("flow/" + i, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == count);
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        assertThat(queueSamples).hasSize(count).allSatisfy(held -> assertThat(held).isLessThanOrEqualTo(maxHeld));
        return elapsed;
    }
}
