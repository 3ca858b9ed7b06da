package dev.magpie.bench.durability;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * QoS 1 throughput to persistent sessions for each durability setting (issue 9). Each configuration is a
 * {@code magpie serve} YAML file; adding one (a new persistence mode) is adding a file, nothing here changes.
 * Every run starts a fresh broker process on a fresh data directory, loads it for a warm-up and a measured
 * window, drains, and stops it. Configurations are interleaved (round 1: a b c d, round 2: b c d a, ...), so a
 * burst of load from another process on a shared machine spreads over all of them instead of one.
 *
 * <p>Run this process on the CPU the broker does not use: {@code taskset -c 1 java -cp benchmarks.jar
 * dev.magpie.bench.durability.DurabilityBench [options] config.yaml...} (see {@code run-durability.sh}).
 */
public final class DurabilityBench {
    private static final String USAGE = """
            usage: DurabilityBench [options] CONFIG.yaml...
              --jar PATH            magpie fat jar (magpie-server/target/magpie.jar)
              --runs K              runs of each configuration, interleaved (3)
              --warmup DURATION     load before measuring, e.g. 10s (10s)
              --duration DURATION   measured window (20s)
              --publishers N        publishers, Clean Session 0 (4)
              --subscribers M       subscribers on bench/#, Clean Session 0, QoS 1 (2)
              --window W            QoS 1 messages in flight per publisher (32)
              --payload MIN-MAX     payload bytes, uniform (16-256)
              --rate R              cap on publishes/s of all publishers, 0 = closed loop only (0)
              --broker-cpu LIST     taskset -c for the broker, "" for none (0)
              --broker-java-opts S  JVM options of the broker (-Xms512m -Xmx512m)
              --work-dir DIR        data directories, logs, results.csv (magpie-bench/target/durability)
            The first configuration is the baseline of the relative costs.""";

    private DurabilityBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("--jar", "magpie-server/target/magpie.jar", "--runs", "3",
                "--warmup", "10s", "--duration", "20s", "--publishers", "4", "--subscribers", "2", "--window", "32",
                "--payload", "16-256", "--broker-cpu", "0", "--work-dir", "magpie-bench/target/durability"));
        options.put("--rate", "0");
        options.put("--broker-java-opts", "-Xms512m -Xmx512m");
        List<Path> configs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (!options.containsKey(args[i]) || i + 1 == args.length) {
                    fail("unknown option or missing value: " + args[i]);
                }
                options.put(args[i], args[++i]);
            } else {
                configs.add(Path.of(args[i]));
            }
        }
        if (configs.isEmpty()) {
            fail("no configuration given");
        }
        String[] payload = options.get("--payload").split("-");
        LoadGenerator.Options load = new LoadGenerator.Options(Integer.parseInt(options.get("--publishers")),
                Integer.parseInt(options.get("--subscribers")), Integer.parseInt(options.get("--window")),
                Integer.parseInt(payload[0]), Integer.parseInt(payload[payload.length - 1]),
                Integer.parseInt(options.get("--rate")));
        new DurabilityBench.Plan(Path.of(options.get("--jar")), configs, Integer.parseInt(options.get("--runs")),
                duration(options.get("--warmup")), duration(options.get("--duration")), load,
                options.get("--broker-cpu"), Arrays.stream(options.get("--broker-java-opts").split(" "))
                .filter(s -> !s.isBlank()).toList(), Path.of(options.get("--work-dir"))).run(System.out);
    }

    /** Everything one invocation does. */
    record Plan(Path jar, List<Path> configs, int runs, Duration warmup, Duration measure, LoadGenerator.Options load,
                String brokerCpu, List<String> brokerJvmOptions, Path workDir) {

        void run(PrintStream out) throws Exception {
            if (!Files.isRegularFile(jar)) {
                fail("no broker jar at " + jar + " (mvn -B -pl magpie-server -am package -DskipTests)");
            }
            Files.createDirectories(workDir);
            List<String> names = configs.stream().map(Plan::name).toList();
            Results results = new Results(names);
            out.printf("durability benchmark: %s; %d publishers x window %d -> %d subscribers, payload %d-%d B, rate %s, "
                            + "warm-up %s, measured %s, %d runs each, broker on CPU %s, generator on CPU %s%n",
                    names, load.publishers(), load.window(), load.subscribers(), load.minPayload(), load.maxPayload(),
                    load.rate() == 0 ? "closed loop" : load.rate() + "/s",
                    warmup, measure, runs, brokerCpu.isEmpty() ? "any" : brokerCpu, allowedCpus());
            for (int round = 1; round <= runs; round++) {
                for (int k = 0; k < configs.size(); k++) {
                    Path config = configs.get((k + round - 1) % configs.size());
                    Results.Run run = runOnce(config, round);
                    out.println(run.line());
                    results.add(run);
                }
            }
            out.println();
            results.print(out);
            results.writeCsv(workDir.resolve("results.csv"));
            out.println("per-run figures: " + workDir.resolve("results.csv"));
        }

        private Results.Run runOnce(Path config, int round) throws Exception {
            String name = name(config);
            Path data = workDir.resolve("data-" + name);
            deleteTree(data);
            Path log = workDir.resolve(name + "-" + round + ".log");
            long ticksPerSecond = clockTicksPerSecond();
            try (BrokerProcess broker = BrokerProcess.start(jar, config, data, brokerCpu, brokerJvmOptions, log);
                 LoadGenerator generator = new LoadGenerator(load)) {
                generator.connect("127.0.0.1", broker.port());
                generator.start();
                Thread.sleep(warmup.toMillis());
                LoadGenerator.Snapshot before = generator.snapshot();
                long brokerBefore = broker.cpuTicks();
                long selfBefore = BrokerProcess.cpuTicks(Path.of("/proc/self/stat"));
                Thread.sleep(measure.toMillis());
                LoadGenerator.Snapshot after = generator.snapshot();
                long brokerAfter = broker.cpuTicks();
                long selfAfter = BrokerProcess.cpuTicks(Path.of("/proc/self/stat"));
                long missing = generator.stopAndDrain(Duration.ofSeconds(15));
                LoadGenerator.Snapshot end = generator.snapshot();
                generator.close();
                BrokerProcess.Store store = broker.stop();
                return new Results.Run(name, round, (after.nanos() - before.nanos()) / 1e9,
                        after.delivered() - before.delivered(), after.acked() - before.acked(),
                        after.latencyMicros().getValueAtPercentile(50), after.latencyMicros().getValueAtPercentile(99),
                        (double) (brokerAfter - brokerBefore) / ticksPerSecond,
                        (double) (selfAfter - selfBefore) / ticksPerSecond, store.commits(), store.droppedWrites(),
                        end.acked(), missing,
                        end.duplicates());
            } finally {
                deleteTree(data);
            }
        }

        private static String name(Path config) {
            return config.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        }
    }

    private static String allowedCpus() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII).stream()
                    .filter(l -> l.startsWith("Cpus_allowed_list:")).map(l -> l.substring(18).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** USER_HZ of /proc/<pid>/stat; 100 on every Linux this runs on, asked rather than assumed. */
    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }

    private static Duration duration(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        if (text.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        throw new IllegalArgumentException("a duration needs a unit (ms, s, m): " + text);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static void fail(String message) {
        System.err.println(message);
        System.err.println(USAGE);
        System.exit(2);
    }
}
