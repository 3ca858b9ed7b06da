package dev.magpie.transport;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.WebSocketSettings;
import dev.magpie.testkit.SlowHttpReader;
import dev.magpie.testkit.TestCertificates;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Static files are streamed and their answers bounded (issue 10, must fix 6: 160 connections reading a 4 MB
 * file slowly took the broker's RSS from 193 to 804 MB and were never closed). Fast readers still get every
 * byte, over HTTP and HTTPS; a reader that stops is closed after the write-stall timeout; slow readers hold
 * about two chunks each, not the file; beyond the response caps the answer is 503 with Retry-After.
 */
class StaticFileStreamingTest {
    private static final int FILE_SIZE = 4 * 1024 * 1024;

    @TempDir
    static Path folder;
    static Path www;
    static byte[] content;
    static TestCertificates certs;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Broker broker;

    @BeforeAll
    static void files() throws IOException {
        www = Files.createDirectories(folder.resolve("www"));
        content = new byte[FILE_SIZE];
        new Random(10).nextBytes(content);
        Files.write(www.resolve("big.bin"), content);
        certs = TestCertificates.create(folder.resolve("certs"));
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    private int start(Listener listener, WebSocketSettings settings) {
        broker = Broker.builder().listener(listener.anonymous(true).withWebSocket(settings.withStaticFiles(www)))
                .meterRegistry(registry).build().start();
        return broker.port(listener.name());
    }

    private double limitHits(String limit) {
        Counter c = registry.find("magpie.limits").tag("limit", limit).counter();
        return c == null ? 0 : c.count();
    }

    private static long directMemory() {
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }

    @Test
    void aFastReaderGetsTheWholeFileByteExactOverHttpAndHttps() throws Exception {
        int port = start(Listener.ws("127.0.0.1", 0), WebSocketSettings.defaults());
        HttpResponse<byte[]> plain = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/big.bin")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("content-type")).hasValue("application/octet-stream");
        assertThat(plain.headers().firstValueAsLong("content-length")).hasValue(FILE_SIZE);
        assertThat(plain.body()).isEqualTo(content);

        HttpResponse<Void> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/big.bin"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("content-length")).hasValue(FILE_SIZE);
        broker.stop();

        // TLS cannot send a zero-copy file region: the chunks go through the TLS engine
        int tlsPort = start(Listener.wss("127.0.0.1", 0, TlsSettings.pem(certs.serverCert, certs.serverKey)), WebSocketSettings.defaults());
        HttpClient https = HttpClient.newBuilder().sslContext(TestCertificates.clientContext(certs.caCert)).build();
        for (int i = 0; i < 2; i++) { // twice on one keep-alive connection: the first answer ended cleanly
            HttpResponse<byte[]> secure = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + tlsPort + "/big.bin")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(secure.statusCode()).isEqualTo(200);
            assertThat(secure.body()).isEqualTo(content);
        }
    }

    @Test
    void aReaderThatStopsIsClosedAfterTheWriteStallTimeout() throws Exception {
        int port = start(Listener.ws("127.0.0.1", 0), WebSocketSettings.defaults().withWriteStallTimeout(Duration.ofMillis(500)));
        long started = System.nanoTime();
        try (SlowHttpReader reader = SlowHttpReader.get(port, "/big.bin")) {
            assertThat(reader.head()).startsWith("HTTP/1.1 200");
            await().atMost(Duration.ofSeconds(10)).until(() -> limitHits("http_write_stall") == 1);
            assertThat(reader.drainUntilClosed()).as("body bytes the server sent before giving up").isLessThan(FILE_SIZE);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void slowReadersHoldAboutTwoChunksEachNotTheFile() throws Exception {
        int readers = 40;
        int port = start(Listener.ws("127.0.0.1", 0), WebSocketSettings.defaults().withMaxResponsesPerAddress(0)
                .withMaxConcurrentResponses(readers));
        long before = directMemory();
        List<SlowHttpReader> open = new ArrayList<>();
        try {
            for (int i = 0; i < readers; i++) {
                open.add(SlowHttpReader.get(port, "/big.bin"));
            }
            for (SlowHttpReader reader : open) {
                assertThat(reader.head()).startsWith("HTTP/1.1 200"); // the answer is under way, then stalls
            }
            // held whole, the answers would take 40 x 4 MB = 160 MB; streamed, about 40 x 2 x 16 KiB plus the pool's slack
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(directMemory() - before).as("direct memory held by %d slow readers", readers)
                            .isLessThan(16L * 1024 * 1024));
            assertThat(limitHits("http_write_stall")).isZero(); // the default 30 s: they are all still open
        } finally {
            for (SlowHttpReader reader : open) {
                reader.close();
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderHoldingOneSlotAtATime() throws Exception {
        Files.writeString(www.resolve("a.txt"), "first");
        Files.writeString(www.resolve("b.txt"), "second");
        int port = start(Listener.ws("127.0.0.1", 0), WebSocketSettings.defaults().withMaxResponsesPerAddress(1));
        String both = new HttpTestClient(port).request("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /b.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(both).startsWith("HTTP/1.1 200").contains("first").endsWith("second");
        assertThat(both.indexOf("first")).isLessThan(both.indexOf("HTTP/1.1 200", 5));
        assertThat(limitHits("http_responses")).as("the second waited instead of taking a second slot").isZero();
        assertThat(new HttpTestClient(port).get("/a.txt")).as("no slot was left behind").startsWith("HTTP/1.1 200");
    }

    @Test
    void beyondTheResponseCapsTheAnswerIs503WithRetryAfter() throws Exception {
        int port = start(Listener.ws("127.0.0.1", 0), WebSocketSettings.defaults().withMaxResponsesPerAddress(2).withMaxConcurrentResponses(3));
        InetAddress other = InetAddress.getByName("127.0.0.2");
        HttpTestClient http = new HttpTestClient(port);
        try (SlowHttpReader first = SlowHttpReader.get(port, "/big.bin"); SlowHttpReader second = SlowHttpReader.get(port, "/big.bin")) {
            assertThat(first.head()).startsWith("HTTP/1.1 200");
            assertThat(second.head()).startsWith("HTTP/1.1 200");
            // a third from the same address: over its address's cap
            assertThat(http.get("/big.bin")).startsWith("HTTP/1.1 503").contains("retry-after: 2").contains("connection: close");
            try (SlowHttpReader third = SlowHttpReader.get(other, port, "/big.bin")) {
                assertThat(third.head()).as("another address is under its own cap").startsWith("HTTP/1.1 200");
                try (SlowHttpReader fourth = SlowHttpReader.get(other, port, "/big.bin")) {
                    assertThat(fourth.head()).as("the listener's cap").startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 2");
                }
            }
        }
        assertThat(limitHits("http_responses")).isEqualTo(2);
        // the slots come back when the readers go
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(new HttpTestClient(port).get("/big.bin")).startsWith("HTTP/1.1 200"));
    }
}
