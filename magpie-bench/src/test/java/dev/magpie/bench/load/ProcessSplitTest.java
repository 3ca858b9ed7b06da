package dev.magpie.bench.load;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How --processes splits a load and adds the children's results back up. */
class ProcessSplitTest {

    @Test
    void connectionsAndPublishersAreSharedOutWithoutGapsOrOverlap() {
        LoadSettings idle = LoadSettings.defaults("127.0.0.1", 1883).withScenario(Scenario.IDLE).withConnections(18_001, 100);
        int total = 0;
        for (int i = 0; i < 3; i++) {
            assertThat(ProcessSplit.firstIndex(idle, 3, i)).isEqualTo(total);
            total += ProcessSplit.slice(idle, 3, i).connections();
        }
        assertThat(total).isEqualTo(18_001);
        LoadSettings pairs = LoadSettings.defaults("127.0.0.1", 1883).withClients(5, 5).withRate(10_000);
        assertThat(ProcessSplit.slice(pairs, 2, 0).publishers()).isEqualTo(3);
        assertThat(ProcessSplit.slice(pairs, 2, 0).rate()).isEqualTo(6_000);
        assertThat(ProcessSplit.slice(pairs, 2, 1).rate()).isEqualTo(4_000);
        assertThatThrownBy(() -> ProcessSplit.slice(pairs.withClients(1, 1), 2, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void childReportsAreSummedAndTheirHistogramsMerged() {
        Histogram a = new Histogram(3);
        Histogram b = new Histogram(3);
        for (int i = 1; i <= 100; i++) {
            a.recordValue(i);
            b.recordValue(1000 + i);
        }
        Report one = ProcessSplit.parse(new Report().put("scenario", "pairs").put("delivered", 100L)
                .put("expected_deliveries", 100L).put("delivery_rate", 50.0)
                .put("latency_histogram", ProcessSplit.encode(a)).toJson());
        Report two = ProcessSplit.parse(new Report().put("scenario", "pairs").put("delivered", 99L)
                .put("expected_deliveries", 100L).put("delivery_rate", 49.5)
                .put("latency_histogram", ProcessSplit.encode(b)).toJson());
        Report all = ProcessSplit.combine(List.of(one, two));
        assertThat(all.get("scenario")).isEqualTo("pairs");
        assertThat(all.number("delivered")).isEqualTo(199);
        assertThat(all.number("delivery_rate")).isEqualTo(99.5);
        assertThat(all.number("delivered_ratio")).isEqualTo(0.995);
        assertThat(all.number("latency_count")).isEqualTo(200);
        assertThat(all.number("latency_max_us")).isBetween(1099.0, 1101.0);
        assertThat(all.get("latency_histogram")).isNull();
    }
}
