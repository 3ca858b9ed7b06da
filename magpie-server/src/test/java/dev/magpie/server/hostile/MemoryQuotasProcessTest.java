package dev.magpie.server.hostile;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.Subscribe;
import dev.magpie.server.cli.ServeProcess;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.UnreadSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, must-fix 7, against {@code magpie serve} as it ships (started by {@code bin/magpie}): memory was bounded
 * by message counts only, so one subscriber that never reads pinned 235 MB (1,000 queued messages of 200 KB), and a
 * retained flood filled the heap and came back with the restarted broker. Here the broker has a 160 MiB heap, less
 * than either flood would need unbounded (200 MB each; with {@code -XX:+ExitOnOutOfMemoryError} an unbounded broker
 * would exit), the default queue bounds, and a retained bound of 32 MiB. It must stay alive, keep what it holds
 * after a full GC within the bounds, serve a good client, and come back from a {@code kill -9} holding no more
 * retained messages than the bound.
 */
class MemoryQuotasProcessTest {
    private static final String HEAP = "-Xmx160m";
    private static final int MESSAGE_BYTES = 200 * 1024;
    private static final int MESSAGES = 1_000;
    private static final long RETAINED_BOUND = 32L << 20;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern RESTORED = Pattern.compile("(\\d+) retained messages restored");

    @TempDir
    Path dir;
    private Path jar;
    private Path config;
    private ServeProcess broker;

    @BeforeEach
    void startBroker() throws IOException {
        jar = ServeProcess.runnableJar(dir);
        config = Files.writeString(dir.resolve("magpie.yaml"), """
                listeners:
                  - name: tcp
                    type: tcp
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                limits:
                  max_retained_bytes: %d
                """.formatted(RETAINED_BOUND));
        broker = start();
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void aSubscriberThatNeverReadsPinsItsQueueBoundNotTheWholeStream() throws Exception {
        int port = broker.awaitPort("tcp");
        long heapBefore = liveHeapKb();
        try (UnreadSocket subscriber = UnreadSocket.connect(port, RawMqttClient.connectPacket(MqttVersion.V5, "never-reads", true, 60), 4096)) {
            byte[] subscribe = RawMqttClient.encode(new Subscribe(1, List.of(Subscribe.Subscription.of("big/#", 1)), MqttProperties.EMPTY),
                    MqttVersion.V5);
            subscriber.send(subscribe);
            try (RawMqttClient publisher = RawMqttClient.connected(port, RawMqttClient.connectPacket(MqttVersion.V5, "big-pub", true, 60))) {
                int accepted = publish(publisher, "big/stream", false);
                assertThat(accepted).as("QoS 1 PUBACKs with 0x00 (the subscriber's queue drops, the publisher is not refused)").isEqualTo(MESSAGES);
            }
            long heapPinned = liveHeapKb();
            String figures = "live heap after GC " + heapBefore + " -> " + heapPinned + " KiB with " + MESSAGES + " x 200 KB sent to a"
                    + " subscriber that never reads (" + MESSAGES * (long) MESSAGE_BYTES / 1024 + " KiB unbounded)";
            System.out.println(figures);
            assertThat(broker.isAlive()).as(figures).isTrue();
            // 16 MiB queued + 8 MiB in flight (written to its socket) + what Netty holds for it; 200 MB unbounded
            assertThat(heapPinned - heapBefore).as(figures).isLessThan(48 * 1024);
            goodExchange(port);
        }
    }

    @Test
    void aRetainedFloodStopsAtItsBoundAndARestartedBrokerLoadsNoMore() throws Exception {
        int port = broker.awaitPort("tcp");
        int accepted;
        try (RawMqttClient publisher = RawMqttClient.connected(port, RawMqttClient.connectPacket(MqttVersion.V5, "retain-flood", true, 60))) {
            accepted = publish(publisher, "retained/", true);
        }
        int bound = (int) (RETAINED_BOUND / MESSAGE_BYTES);
        assertThat(accepted).as("retained messages accepted before 0x97 Quota exceeded").isBetween(bound - 2, bound);
        long heap = liveHeapKb();
        System.out.println("retained flood: " + accepted + " of " + MESSAGES + " x 200 KB accepted, live heap " + heap + " KiB");
        assertThat(broker.isAlive()).isTrue();
        goodExchange(port);

        broker.kill(); // SIGKILL: the store is whatever was committed
        broker = start();
        int again = broker.awaitPort("tcp");
        int restored = broker.lines().stream().map(RESTORED::matcher).filter(Matcher::find)
                .mapToInt(m -> Integer.parseInt(m.group(1))).findFirst().orElseThrow(() -> new AssertionError("no restore line"));
        assertThat(restored).as("retained messages the restarted broker loaded").isEqualTo(accepted);
        assertThat(broker.isAlive()).isTrue();
        goodExchange(again);
    }

    private ServeProcess start() throws IOException {
        return ServeProcess.startScript(jar, HEAP + " -XX:TieredStopAtLevel=1 -Dlogback.configurationFile=logback.xml", Map.of(),
                line -> { }, "--config", config.toString(), "--data-dir", dir.resolve("data").toString());
    }

    /**
     * Publishes {@link #MESSAGES} QoS 1 messages of 200 KB, 50 at a time (within Receive Maximum), each to its own
     * topic under {@code prefix} if {@code retain}; returns how many were acknowledged with 0x00. A retained one
     * beyond the bound must be answered 0x97 Quota exceeded.
     */
    private static int publish(RawMqttClient publisher, String prefix, boolean retain) {
        byte[] payload = new byte[MESSAGE_BYTES];
        int accepted = 0;
        for (int first = 1; first <= MESSAGES; first += 50) {
            int last = Math.min(MESSAGES, first + 49);
            for (int id = first; id <= last; id++) {
                publisher.send(new Publish(retain ? prefix + id : prefix, 1, retain, false, id, payload, MqttProperties.EMPTY));
            }
            for (int id = first; id <= last; id++) {
                PubResponse ack = publisher.receive(PubResponse.class, WAIT);
                // 0x10: accepted, no one subscribed to it (a retained message for later subscribers)
                assertThat(ack.reasonCode()).isIn(ReasonCode.SUCCESS, ReasonCode.NO_MATCHING_SUBSCRIBERS, ReasonCode.QUOTA_EXCEEDED);
                accepted += ack.reasonCode() != ReasonCode.QUOTA_EXCEEDED ? 1 : 0;
            }
        }
        return accepted;
    }

    /** A QoS 1 message between two good clients, within a second. */
    private static void goodExchange(int port) {
        try (RawMqttClient subscriber = RawMqttClient.connected(port, RawMqttClient.connectPacket(MqttVersion.V5, "good-sub", true, 30));
             RawMqttClient publisher = RawMqttClient.connected(port, RawMqttClient.connectPacket(MqttVersion.V5, "good-pub", true, 30))) {
            subscriber.subscribe("good/exchange", 1);
            publisher.send(RawMqttClient.publishPacket("good/exchange", 1, 1, "still served"));
            assertThat(publisher.receive(PubResponse.class, Duration.ofSeconds(1)).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            assertThat(new String(subscriber.receive(Publish.class, Duration.ofSeconds(1)).payload(), StandardCharsets.UTF_8))
                    .isEqualTo("still served");
        }
    }

    /** The broker's heap in use right after a full GC (what it really holds), by the JDK's {@code jcmd}. */
    private long liveHeapKb() throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, String.valueOf(broker.pid()), "GC.run");
        Matcher m = HEAP_USED.matcher(run(jcmd, String.valueOf(broker.pid()), "GC.heap_info"));
        assertThat(m.find()).as("jcmd GC.heap_info names the heap in use").isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return out;
    }
}
