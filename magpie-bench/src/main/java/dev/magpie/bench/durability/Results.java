package dev.magpie.bench.durability;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The runs of a durability benchmark and the table made of them: medians with the min–max spread over runs. */
final class Results {

    /** One measured run of one configuration. */
    record Run(String config, int round, double seconds, long delivered, long acked, long p50Micros, long p99Micros,
               double brokerCpuSeconds, double generatorCpuSeconds, long commits, long droppedWrites, long totalAcked,
               long missing, long duplicates) {

        double deliveredPerSecond() {
            return delivered / seconds;
        }

        double cpuSecondsPer100k() {
            return delivered == 0 ? Double.NaN : brokerCpuSeconds * 100_000 / delivered;
        }

        double brokerCpuShare() {
            return brokerCpuSeconds / seconds;
        }

        double generatorCpuShare() {
            return generatorCpuSeconds / seconds;
        }

        /** Publishes per store commit over the whole run (warm-up and drain included), NaN without a store. */
        double publishesPerCommit() {
            return commits <= 0 ? Double.NaN : (double) totalAcked / commits;
        }

        String line() {
            return String.format(Locale.ROOT, "%-26s round %d: %,9.0f delivered/s, PUBACK p50 %,6d µs p99 %,7d µs, "
                            + "broker CPU %.2f s/100k (%3.0f %% of a core), generator %3.0f %%, commits %s, "
                            + "publishes/commit %s, store writes dropped %s, missing %d, dup %d",
                    config, round, deliveredPerSecond(), p50Micros, p99Micros, cpuSecondsPer100k(),
                    100 * brokerCpuShare(), 100 * generatorCpuShare(), commits < 0 ? "-" : Long.toString(commits),
                    fmt(publishesPerCommit(), "%.1f"), droppedWrites < 0 ? "-" : Long.toString(droppedWrites), missing,
                    duplicates);
        }
    }

    private final Map<String, List<Run>> byConfig = new LinkedHashMap<>();

    /** Declares the configurations in table order (the first is the baseline of the relative costs). */
    Results(List<String> configs) {
        configs.forEach(c -> byConfig.put(c, new ArrayList<>()));
    }

    void add(Run run) {
        byConfig.get(run.config()).add(run);
    }

    void writeCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("config,round,seconds,delivered,acked,delivered_per_s,p50_us,p99_us,broker_cpu_s,generator_cpu_s,"
                + "cpu_s_per_100k,commits,dropped_writes,total_acked,missing,duplicates");
        for (List<Run> runs : byConfig.values()) {
            for (Run r : runs) {
                lines.add(String.format(Locale.ROOT, "%s,%d,%.3f,%d,%d,%.1f,%d,%d,%.3f,%.3f,%.4f,%d,%d,%d,%d,%d", r.config(),
                        r.round(), r.seconds(), r.delivered(), r.acked(), r.deliveredPerSecond(), r.p50Micros(),
                        r.p99Micros(), r.brokerCpuSeconds(), r.generatorCpuSeconds(), r.cpuSecondsPer100k(), r.commits(),
                        r.droppedWrites(), r.totalAcked(), r.missing(), r.duplicates()));
            }
        }
        Files.write(file, lines);
    }

    /** A Markdown table: one row per configuration, then the throughput cost of each against the first. */
    void print(PrintStream out) {
        out.println("| configuration | runs | delivered msg/s, median (min–max) | PUBACK p50 µs | PUBACK p99 µs "
                + "| broker CPU s / 100k delivered | broker CPU, % of its core | publishes / commit "
                + "| store writes dropped | throughput cost vs first, median (min–max) |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        String baseline = byConfig.keySet().iterator().next();
        for (Map.Entry<String, List<Run>> e : byConfig.entrySet()) {
            List<Run> runs = e.getValue();
            if (runs.isEmpty()) {
                continue;
            }
            out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n", e.getKey(), runs.size(),
                    spread(runs, Run::deliveredPerSecond, "%,.0f"), spread(runs, r -> r.p50Micros(), "%,.0f"),
                    spread(runs, r -> r.p99Micros(), "%,.0f"), spread(runs, Run::cpuSecondsPer100k, "%.2f"),
                    spread(runs, r -> 100 * r.brokerCpuShare(), "%.0f"), spread(runs, Run::publishesPerCommit, "%.1f"),
                    spread(runs, r -> r.droppedWrites() < 0 ? Double.NaN : r.droppedWrites(), "%,.0f"),
                    e.getKey().equals(baseline) ? "baseline" : cost(byConfig.get(baseline), runs));
        }
        long missing = byConfig.values().stream().flatMap(List::stream).mapToLong(Run::missing).sum();
        out.println();
        out.println(missing == 0 ? "Every acknowledged message reached every subscriber in every run."
                : "WARNING: " + missing + " deliveries were missing after the drain (see the per-run lines).");
        if (byConfig.values().stream().flatMap(List::stream).anyMatch(r -> r.droppedWrites() > 0)) {
            out.println("WARNING: a store dropped writes (its queue was full): that configuration's throughput was not"
                    + " fully persisted; compare at a --rate it sustains.");
        }
    }

    /**
     * Throughput lost against the baseline, in percent, per round: the configurations of one round ran
     * back to back, so pairing by round cancels part of the drift of a shared machine.
     */
    private static String cost(List<Run> baseline, List<Run> runs) {
        List<Double> costs = new ArrayList<>();
        for (Run r : runs) {
            baseline.stream().filter(b -> b.round() == r.round()).findFirst()
                    .ifPresent(b -> costs.add(100 * (1 - r.deliveredPerSecond() / b.deliveredPerSecond())));
        }
        if (costs.isEmpty()) {
            return "-";
        }
        double median = 100 * (1 - median(runs, Run::deliveredPerSecond) / median(baseline, Run::deliveredPerSecond));
        return String.format(Locale.ROOT, "%.1f %% (%.1f – %.1f) per round; %.1f %% of the medians",
                median(costs), min(costs), max(costs), median);
    }

    private static String spread(List<Run> runs, ToDoubleFunction<Run> value, String format) {
        List<Double> values = runs.stream().map(value::applyAsDouble).filter(v -> !v.isNaN()).toList();
        if (values.isEmpty()) {
            return "-";
        }
        return fmt(median(values), format) + " (" + fmt(min(values), format) + "–" + fmt(max(values), format) + ")";
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> value) {
        return median(runs.stream().map(value::applyAsDouble).toList());
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static String fmt(double value, String format) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }
}
