package dev.magpie.hostile;

import dev.magpie.Listener;
import dev.magpie.WebSocketSettings;
import dev.magpie.testkit.SlowHttpReader;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
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
 * Issue 10, must fix 6: connections that ask a ws listener for a 4 MB static file and never read it (no login
 * needed). Before the fix each answer held the whole file and none was ever closed: 160 of them took the
 * broker's RSS from 193 to 804 MB. Now the file is streamed (about two 16 KiB chunks per connection), the
 * listener and each address have a cap on answers under way (beyond it 503), and a stalled answer closes
 * after the write-stall timeout (1 s here, 30 s by default). The MQTT clients beside keep working.
 */
class SlowHttpReaderAttackTest extends AttackTest {
    private static final int FILE_SIZE = 4 * 1024 * 1024;
    private static final int LISTENER_CAP = 64;

    @TempDir
    static Path www;
    static byte[] content;

    @BeforeAll
    static void bigFile() throws IOException {
        content = new byte[FILE_SIZE];
        new Random(6).nextBytes(content);
        Files.write(www.resolve("big.bin"), content);
    }

    @Override
    List<Listener> extraListeners() {
        return List.of(Listener.ws("127.0.0.1", 0).anonymous(true).withWebSocket(WebSocketSettings.defaults()
                .withStaticFiles(www).withWriteStallTimeout(Duration.ofSeconds(1))));
    }

    private static long directMemory() {
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }

    @Test
    void slowReadersOfABigFileAreBoundedAndClosed() throws Exception {
        int port = broker.port("ws");
        long before = directMemory();
        List<SlowHttpReader> readers = new ArrayList<>();
        int served = 0;
        int refused = 0;
        try {
            // 8 addresses x 9 readers: each address over its cap of 8, and the listener's 64 all taken
            for (int a = 2; a <= 9; a++) {
                InetAddress source = InetAddress.getByName("127.0.0." + a);
                for (int i = 0; i < 9; i++) {
                    readers.add(SlowHttpReader.get(source, port, "/big.bin"));
                }
            }
            for (SlowHttpReader reader : readers) {
                String head = reader.head();
                if (head.startsWith("HTTP/1.1 200")) {
                    served++;
                } else {
                    assertThat(head).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after:");
                    refused++;
                }
            }
            assertThat(served).isEqualTo(LISTENER_CAP);
            assertThat(refused).isEqualTo(8);
            // held whole, 64 answers would pin 256 MB; streamed, about 64 x 32 KiB
            assertThat(directMemory() - before).as("direct memory held by the slow readers").isLessThan(16L * 1024 * 1024);
            // every served reader is closed by the broker (one counted stall each)
            await().atMost(Duration.ofSeconds(15)).until(() -> broker.limitHits("http_write_stall") == LISTENER_CAP);
        } finally {
            for (SlowHttpReader reader : readers) {
                reader.close();
            }
        }
        // the slots are back: a reader that reads gets the whole file
        HttpResponse<byte[]> fast = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/big.bin")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fast.statusCode()).isEqualTo(200);
        assertThat(fast.body()).isEqualTo(content);
        survived();
    }
}
