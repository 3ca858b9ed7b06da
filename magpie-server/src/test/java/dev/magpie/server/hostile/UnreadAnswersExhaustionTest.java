package dev.magpie.server.hostile;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.Subscribe;
import dev.magpie.server.cli.ServeProcess;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestCertificates;
import dev.magpie.testkit.UnreadSocket;
import dev.magpie.testkit.UnreadTlsSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10, must-fix 1: a client that sends requests and never reads the answers must not take the broker down.
 * Before the fix, 12 MB of PINGREQ written into a closed receive window ended a {@code -Xmx512m} broker in
 * OutOfMemoryError, after which the process stayed alive serving no one. Here a broker started by {@code bin/magpie}
 * with a 96 MiB heap is attacked with PINGREQ, QoS 1 PUBLISH (each owed a PUBACK) and SUBSCRIBE (each owed a SUBACK)
 * from a socket with a 4 KiB receive buffer that never reads; it must stop reading the attacker (so the attacker's
 * writes block well before the flood's 64 MiB), close it once its output has not drained for
 * {@code unflushed_output_timeout} (2 s here), keep its resident memory bounded, and keep answering a well-behaved
 * client within a second throughout. The JVM must carry {@code -XX:+ExitOnOutOfMemoryError}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnreadAnswersExhaustionTest {
    private static final String HEAP = "-Xmx96m";
    private static final long FLOOD_BYTES = 64L * 1024 * 1024;
    private static final Duration STALL = Duration.ofSeconds(2);
    private static final Duration FLOOD_DEADLINE = Duration.ofSeconds(10);
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);
    /** How much the broker's resident memory may grow under one attack. */
    private static final long RSS_GROWTH_LIMIT_KB = 96 * 1024;

    private ServeProcess broker;
    private int port;
    private int webSocketPort;
    private int tlsPort;
    private SSLContext clientTls;

    @BeforeAll
    void startBroker(@TempDir Path dir) throws Exception {
        Path jar = ServeProcess.runnableJar(dir);
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        clientTls = TestCertificates.clientContext(certs.caCert);
        Path config = Files.writeString(dir.resolve("magpie.yaml"), """
                listeners:
                  - name: tcp
                    type: tcp
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                  - name: ws
                    type: ws
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                  - name: tls
                    type: tls
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                    tls:
                      cert_file: %s
                      key_file: %s
                limits:
                  unflushed_output_timeout: 2s
                """.formatted(certs.serverCert, certs.serverKey));
        broker = ServeProcess.startScript(jar, HEAP + " -XX:TieredStopAtLevel=1 -Dlogback.configurationFile=logback.xml",
                Map.of(), line -> { }, "--config", config.toString(), "--data-dir", dir.resolve("data").toString());
        port = broker.awaitPort("tcp");
        webSocketPort = broker.awaitPort("ws");
        tlsPort = broker.awaitPort("tls");
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theLauncherEndsTheProcessOnOutOfMemory() throws IOException {
        List<String> args = commandLine(broker.pid());
        assertThat(args).as("the JVM bin/magpie started").contains("-XX:+ExitOnOutOfMemoryError", HEAP);
        // MAGPIE_JAVA_OPTS comes after the launcher's own option, so an operator can still override it
        assertThat(args.indexOf(HEAP)).isGreaterThan(args.indexOf("-XX:+ExitOnOutOfMemoryError"));
    }

    @Test
    void pingreqWithoutReading() throws Exception {
        attack("PINGREQ", new byte[] {(byte) 0xC0, 0x00});
    }

    @Test
    void pingreqWithoutReadingOverWebSocket() throws Exception {
        // the MQTT handler sits behind the WebSocket frame codec; the writability it watches is the same channel's
        byte[] pings = new byte[2000];
        for (int i = 0; i < pings.length; i += 2) {
            pings[i] = (byte) 0xC0;
        }
        attack("WebSocket PINGREQ", pings);
    }

    @Test
    void pingreqWithoutReadingOverTls() throws Exception {
        // TLS encrypts on the way out: what counts toward the water marks is the encrypted output of the same channel
        attack("TLS PINGREQ", new byte[] {(byte) 0xC0, 0x00});
    }

    @Test
    void qos1PublishWithoutReadingItsPubacks() throws Exception {
        byte[][] packets = new byte[500][];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = RawMqttClient.encode(new Publish("attack/unread", 1, false, false, i + 1, new byte[16], MqttProperties.EMPTY),
                    MqttVersion.V5);
        }
        attack("PUBLISH QoS 1", concat(packets));
    }

    @Test
    void subscribeWithoutReadingItsSubacks() throws Exception {
        attack("SUBSCRIBE", RawMqttClient.encode(new Subscribe(9, List.of(Subscribe.Subscription.of("attack/unread/#", 0)),
                MqttProperties.EMPTY), MqttVersion.V5));
    }

    private void attack(String what, byte[] packet) throws Exception {
        exchange("warm-up");
        long rssBefore = rssKb();
        String attackerId = "never-reads-" + what.replaceAll("\\W", "").toLowerCase(java.util.Locale.ROOT);
        var connect = RawMqttClient.connectPacket(MqttVersion.V5, attackerId, true, 60);
        Attacker attacker = what.startsWith("TLS") ? Attacker.of(UnreadTlsSocket.connect(clientTls, tlsPort, connect, 4096))
                : Attacker.of(what.startsWith("WebSocket") ? UnreadSocket.connectWebSocket(webSocketPort, "/mqtt", connect, 4096)
                : UnreadSocket.connect(port, connect, 4096));
        try {
            CompletableFuture<UnreadSocket.Flood> flood = CompletableFuture.supplyAsync(
                    () -> attacker.flood(packet, FLOOD_BYTES, STALL, FLOOD_DEADLINE));
            long slowest = 0;
            int exchanges = 0;
            while (!flood.isDone() || exchanges < 3) {
                try {
                    slowest = Math.max(slowest, exchange(what + " " + exchanges++));
                } catch (AssertionError e) {
                    throw new AssertionError("a good client was not served during the " + what + " flood ("
                            + flood.get(FLOOD_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS) + ")", e);
                }
            }
            UnreadSocket.Flood result = flood.get(FLOOD_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
            assertThat(result.bytesWritten()).as("the broker stopped reading the attacker: " + result).isLessThan(FLOOD_BYTES);

            // the broker's one line for it: client id, address, reason
            await().atMost(Duration.ofSeconds(15)).alias("the broker closes " + attackerId + " after " + result
                    + "; its lines: " + broker.lines().stream().filter(l -> l.contains(attackerId)).toList()).until(() -> broker.lines().stream()
                    .anyMatch(l -> l.contains("client " + attackerId + " /127.0.0.1:") && l.contains("output not drained")));
            assertThat(attacker.awaitClosed(Duration.ofSeconds(5))).as("the attacker's socket is closed").isTrue();
            long rssAfter = rssKb();
            slowest = Math.max(slowest, exchange(what + " after"));

            String figures = String.format("%s flood: %.1f MiB written in %d ms (%s), VmRSS %d -> %d KiB, slowest good exchange %d ms",
                    what, result.megabytes(), result.millis(), result.stalled() ? "writes blocked" : "closed by the broker",
                    rssBefore, rssAfter, slowest);
            System.out.println(figures);
            assertThat(broker.isAlive()).isTrue();
            assertThat(rssAfter - rssBefore).as(figures).isLessThan(RSS_GROWTH_LIMIT_KB);
            assertThat(broker.lines()).noneMatch(l -> l.contains("OutOfMemoryError"));
        } finally {
            attacker.close();
        }
    }

    /** The plain (TCP, WebSocket) or the TLS attacker, seen alike. */
    private interface Attacker extends AutoCloseable {
        UnreadSocket.Flood flood(byte[] packet, long maxBytes, Duration stall, Duration deadline);

        boolean awaitClosed(Duration timeout);

        @Override
        void close();

        static Attacker of(UnreadSocket s) {
            return new Attacker() {
                public UnreadSocket.Flood flood(byte[] p, long max, Duration stall, Duration deadline) {
                    return s.flood(p, max, stall, deadline);
                }

                public boolean awaitClosed(Duration timeout) {
                    return s.awaitClosed(timeout);
                }

                public void close() {
                    s.close();
                }
            };
        }

        static Attacker of(UnreadTlsSocket s) {
            return new Attacker() {
                public UnreadSocket.Flood flood(byte[] p, long max, Duration stall, Duration deadline) {
                    try {
                        return s.flood(p, max, stall, deadline);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError("interrupted", e);
                    }
                }

                public boolean awaitClosed(Duration timeout) {
                    return s.awaitClosed(timeout);
                }

                public void close() {
                    s.close();
                }
            };
        }
    }

    /** A QoS 1 message from one good client to another, which must arrive within {@link #ANSWER_WITHIN}; its time in ms. */
    private long exchange(String text) {
        long start = System.nanoTime();
        try (RawMqttClient subscriber = RawMqttClient.connected(port, RawMqttClient.connectPacket(MqttVersion.V5, "good-sub", true, 30));
             RawMqttClient publisher = RawMqttClient.connected(port, RawMqttClient.connectPacket(MqttVersion.V5, "good-pub", true, 30))) {
            subscriber.subscribe("good/exchange", 1);
            publisher.send(RawMqttClient.publishPacket("good/exchange", 1, 1, text));
            assertThat(publisher.receive(PubResponse.class, ANSWER_WITHIN).packetId()).isEqualTo(1);
            Publish got = subscriber.receive(Publish.class, ANSWER_WITHIN);
            assertThat(new String(got.payload(), StandardCharsets.UTF_8)).isEqualTo(text);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("a good client's connect, subscribe and exchange during the attack").isLessThan(3 * ANSWER_WITHIN.toMillis());
        return millis;
    }

    private long rssKb() {
        return broker.rssKb();
    }

    private static List<String> commandLine(long pid) throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }

    private static byte[] concat(byte[][] parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
