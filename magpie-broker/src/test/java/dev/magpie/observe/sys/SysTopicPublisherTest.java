package dev.magpie.observe.sys;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.Publish;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.spi.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One round of {@code $SYS} values on a clock the test moves: mosquitto's names, formats and sums. */
class SysTopicPublisherTest {
    private static final String B = "$SYS/broker/";
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final BrokerMetrics metrics = BrokerMetrics.standalone();
    private final List<Message> published = new ArrayList<>();
    private final SysSources sources = new SysSources() {
        public long sessions() { return 5; }
        public long subscriptions() { return 7; }
        public long sharedSubscriptions() { return 2; }
        public long retainedMessages() { return 3; }
        public long retainedBytes() { return 300; }
        public long sessionMessages() { return 4; }
        public long sessionMessageBytes() { return 40; }
    };
    private final SysTopicPublisher sys = new SysTopicPublisher(Duration.ofSeconds(10), metrics, sources, published::add, nanos::get,
            Instant.parse("2026-12-02T08:00:00Z"));

    @Test
    void everyTopicOfTheIssueWithMosquittoNames() {
        Map<String, String> round = sys.round();
        List<String> expected = new ArrayList<>(List.of("uptime", "clients/connected", "clients/disconnected", "clients/expired",
                "clients/maximum", "clients/total", "messages/received", "messages/sent", "publish/messages/received",
                "publish/messages/sent", "publish/messages/dropped", "publish/bytes/received", "publish/bytes/sent", "bytes/received",
                "bytes/sent", "retained messages/count", "store/messages/count", "store/messages/bytes", "subscriptions/count",
                "shared_subscriptions/count"));
        for (String load : List.of("messages/received", "messages/sent", "publish/received", "publish/sent", "publish/dropped",
                "bytes/received", "bytes/sent", "connections", "sockets")) {
            for (String window : List.of("1min", "5min", "15min")) {
                expected.add("load/" + load + "/" + window);
            }
        }
        assertThat(round.keySet()).containsExactlyInAnyOrderElementsOf(expected.stream().map(t -> B + t).toList());
        assertThat(sys.staticTopics()).containsOnlyKeys(B + "version", B + "timestamp")
                .containsEntry(B + "timestamp", "2026-12-02T08:00:00Z");
        assertThat(sys.staticTopics().get(B + "version")).startsWith("magpie version ");
    }

    @Test
    void valuesComeFromTheCountersAndSources() {
        metrics.clients().connected();
        metrics.clients().connected();
        metrics.clients().disconnected();
        metrics.clients().expired();
        metrics.connectionOpened();
        for (int i = 0; i < 10; i++) {
            metrics.traffic().received(new Publish("a", 0, false, false, 0, new byte[4], MqttProperties.EMPTY));
        }
        metrics.traffic().bytesReceived(123);
        metrics.messageDropped("expired");
        nanos.addAndGet(10_000_000_000L);

        Map<String, String> round = sys.round();
        assertThat(round).containsEntry(B + "uptime", "10 seconds")
                .containsEntry(B + "clients/connected", "1")
                .containsEntry(B + "clients/maximum", "2")
                .containsEntry(B + "clients/expired", "1")
                .containsEntry(B + "clients/total", "5")
                .containsEntry(B + "clients/disconnected", "4")
                .containsEntry(B + "messages/received", "10")
                .containsEntry(B + "publish/messages/received", "10")
                .containsEntry(B + "publish/bytes/received", "40")
                .containsEntry(B + "publish/messages/dropped", "1")
                .containsEntry(B + "bytes/received", "123")
                .containsEntry(B + "retained messages/count", "3")
                .containsEntry(B + "store/messages/count", "7")
                .containsEntry(B + "store/messages/bytes", "340")
                .containsEntry(B + "subscriptions/count", "7")
                .containsEntry(B + "shared_subscriptions/count", "2")
                // 10 in 10 s is 60 per minute; the 1-minute average covers 1 - exp(-1/6) of it
                .containsEntry(B + "load/publish/received/1min", String.format(java.util.Locale.ROOT, "%.2f", 60 * (1 - Math.exp(-10.0 / 60))))
                .containsEntry(B + "load/sockets/15min", String.format(java.util.Locale.ROOT, "%.2f", 6 * (1 - Math.exp(-10.0 / 900))));
    }

    @Test
    void countsBeforeThePublisherStartedAreNoLoad() {
        BrokerMetrics busy = BrokerMetrics.standalone();
        busy.traffic().bytesReceived(1_000_000);
        SysTopicPublisher later = new SysTopicPublisher(Duration.ofSeconds(10), busy, sources, m -> { }, nanos::get, Instant.EPOCH);
        nanos.addAndGet(10_000_000_000L);
        assertThat(later.round()).containsEntry(B + "load/bytes/received/1min", "0.00").containsEntry(B + "bytes/received", "1000000");
    }

    @Test
    void aZeroOrNegativeIntervalIsNotAPublisher() {
        assertThatThrownBy(() -> new SysTopicPublisher(Duration.ZERO, metrics, sources, m -> { }, nanos::get, Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 means no $SYS publisher");
    }
}
