package dev.magpie.hostile;

import dev.magpie.testkit.PahoOptions;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The well-behaved clients that must not notice an attack: a Paho 3.1.1 subscriber on {@code good/#} and a Paho
 * publisher that sends numbered QoS 1 messages, one after the other, from its own thread until told to stop.
 * {@link #finish()} checks that every message published arrived once, in order [MQTT-4.6.0-2].
 */
final class GoodTraffic implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int MAX_MESSAGES = 20_000;
    /**
     * Most messages the publisher runs ahead of the subscriber. A broker acknowledges a QoS 1 PUBLISH once it is
     * routed, not once every subscriber has it, so an unpaced publisher on a loaded machine can outrun the
     * subscriber until its queue (max_queued_messages) overflows and drops by design; a well-behaved application
     * paces itself, and so does this one, well inside the in-flight window plus queue.
     */
    private static final int MAX_AHEAD = 200;

    private final MqttClient subscriber;
    private final MqttClient publisher;
    private final List<Integer> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    /** The first failure of the publishing thread, rethrown on the test thread. */
    private final AtomicReference<AssertionError> failure = new AtomicReference<>();
    private final Thread publishing;

    private GoodTraffic(String uri, int keepAlive) throws MqttException {
        subscriber = connect(uri, "good-subscriber", keepAlive);
        subscriber.subscribe("good/#", 1, (topic, m) -> received.add(Integer.parseInt(new String(m.getPayload(), StandardCharsets.US_ASCII))));
        publisher = connect(uri, "good-publisher", keepAlive);
        publishing = new Thread(this::publishLoop, "good-publisher");
        publishing.setDaemon(true);
    }

    /**
     * Connects both clients with {@code keepAlive} seconds (a 3.1.1 client must stay within the broker's
     * max_keep_alive, or it is refused), subscribes and starts publishing.
     */
    static GoodTraffic start(String uri, int keepAlive) throws MqttException {
        GoodTraffic traffic = new GoodTraffic(uri, keepAlive);
        traffic.publishing.start();
        traffic.awaitProgress(5);
        return traffic;
    }

    private static MqttClient connect(String uri, String id, int keepAlive) throws MqttException {
        MqttClient c = new MqttClient(uri, id, new MemoryPersistence());
        MqttConnectOptions o = PahoOptions.v3();
        o.setCleanSession(true);
        o.setConnectionTimeout(10);
        o.setKeepAliveInterval(keepAlive);
        o.setAutomaticReconnect(false);
        // Paho counts a publish as in flight until slightly after its blocking publish() returns
        o.setMaxInflight(1_000);
        c.setTimeToWait(WAIT.toMillis());
        c.connect(o);
        return c;
    }

    private void publishLoop() {
        for (int i = 0; i < MAX_MESSAGES && !stop.get(); i++) {
            int sent = i;
            try {
                await().atMost(WAIT).until(() -> stop.get() || sent - received.size() < MAX_AHEAD);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                failure.compareAndSet(null, new AssertionError("the subscriber stopped receiving after " + received.size()
                        + " of " + sent + " messages", e));
                return;
            }
            if (stop.get()) {
                return;
            }
            try {
                // blocks until PUBACK: one message in flight, so order and count are easy to state
                publisher.publish("good/" + (i % 10), Integer.toString(i).getBytes(StandardCharsets.US_ASCII), 1, false);
                published.incrementAndGet();
            } catch (MqttException e) {
                failure.compareAndSet(null, new AssertionError("the well-behaved publisher failed after " + i + " messages: " + e, e));
                return;
            }
        }
    }

    /** Waits until at least {@code count} more messages have been published and received since the call. */
    void awaitProgress(int count) {
        int publishedTarget = published.get() + count;
        int receivedTarget = received.size() + count;
        await().atMost(WAIT).until(() -> failure.get() != null || (published.get() >= publishedTarget && received.size() >= receivedTarget));
        throwFailure();
    }

    /** Stops publishing and checks that every message published was received exactly once and in order. */
    void finish() throws InterruptedException {
        stop.set(true);
        publishing.join(WAIT.toMillis());
        assertThat(publishing.isAlive()).as("the publisher stopped").isFalse();
        throwFailure();
        int total = published.get();
        await().atMost(WAIT).until(() -> received.size() >= total);
        List<Integer> expected = new ArrayList<>(IntStream.range(0, total).boxed().toList());
        assertThat(received).as("every message, once, in order").containsExactlyElementsOf(expected);
        assertThat(subscriber.isConnected() && publisher.isConnected()).as("well-behaved clients still connected").isTrue();
    }

    private void throwFailure() {
        AssertionError e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    int published() {
        return published.get();
    }

    @Override
    public void close() {
        stop.set(true);
        for (MqttClient c : List.of(publisher, subscriber)) {
            try {
                if (c.isConnected()) {
                    c.disconnect(1_000);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // closing is best effort once the assertions are done
            }
        }
    }
}
