package dev.magpie.bench.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerTableTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(PeerTable.median(List.of(3.0, 1.0, 2.0))).hasValue(2.0);
        assertThat(PeerTable.median(List.of(4.0, 1.0, 2.0, 3.0))).hasValue(2.5);
        assertThat(PeerTable.median(List.of())).isEmpty();
    }

    @Test
    void readsTopLevelFieldsNotTheSweepStepsRepeatingThem() {
        String sweep = "{\"label\":\"x \\\"quoted\\\" {\",\"sweep_steps\":[{\"delivery_rate\":1.0}],"
                + "\"delivery_rate\":20001.5,\"lost\":-3,\"big\":1.5E7}";
        assertThat(PeerTable.topLevelNumber(sweep, "delivery_rate")).hasValue(20001.5);
        assertThat(PeerTable.topLevelNumber(sweep, "lost")).hasValue(-3);
        assertThat(PeerTable.topLevelNumber(sweep, "big")).hasValue(1.5e7);
        assertThat(PeerTable.topLevelNumber(sweep, "absent")).isEmpty();
        assertThat(PeerTable.topLevelNumber("{\"label\":\"magpie\"}", "label")).isEmpty();
    }

    @Test
    void tableHasMediansRatiosToMosquittoAndDashesForMissingRuns(@TempDir Path results) throws IOException {
        Path dir = Files.createDirectories(results.resolve("pairs-qos0-16b"));
        for (int r = 1; r <= 3; r++) {
            Files.writeString(dir.resolve("mosquitto-r" + r + ".json"), "{\"delivery_rate\":" + (1000 * r) + "}");
            Files.writeString(dir.resolve("magpie-r" + r + ".json"), "{\"delivery_rate\":" + (3000 * r) + "}");
        }
        Files.writeString(dir.resolve("magpie-r4.json.log"), "not a result");
        String table = PeerTable.table(results, List.of("magpie", "mosquitto", "aedes"), List.of("pairs-qos0-16b"));
        assertThat(table).contains("| magpie | mosquitto | aedes |")
                .contains("| QoS 0 16 B, 10 pairs: deliveries/s held (sweep) | 6,000 (3.00x) [3] | 2,000 [3] | – |")
                .doesNotContain("fan-out");
    }

    @Test
    void cellShowsSmallValuesWithDecimalsAndOneRoundWithoutCount() {
        assertThat(PeerTable.cell(OptionalDouble.of(1.234), OptionalDouble.of(2.468), 1, false)).isEqualTo("1.23 (0.50x)");
        assertThat(PeerTable.cell(OptionalDouble.empty(), OptionalDouble.of(1), 0, false)).isEqualTo("–");
    }

    @Test
    void replacesOnlyTheMarkedBlock() {
        String doc = "# A\nbefore\n" + PeerTable.BEGIN + "\nold table\n" + PeerTable.END + "\nafter\n";
        assertThat(PeerTable.replaceBlock(doc, "| new |\n"))
                .isEqualTo("# A\nbefore\n" + PeerTable.BEGIN + "\n| new |\n" + PeerTable.END + "\nafter\n");
        assertThatThrownBy(() -> PeerTable.replaceBlock("# no markers", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
