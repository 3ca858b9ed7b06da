package dev.magpie.bench.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;

/**
 * {@code magpie bench}: the MQTT load generator. Parses the options into {@link LoadSettings}, runs one scenario at
 * a fixed rate, a sweep of rates, or a connection scenario, and writes the result as one JSON object on stdout (and to
 * {@code --json FILE}), optionally followed by a markdown table row. Progress goes to stderr.
 *
 * <pre>
 * bin/magpie bench --scenario fanout --subscribers 50 --rate 2000 --duration 10 --broker-pid $(pgrep -f magpie.jar)
 * java -jar magpie-bench/target/benchmarks.jar load --scenario pairs --publishers 10 --sweep --p99-bound-ms 10
 * </pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        version = "magpie bench 0.1.0", customSynopsis = {"bench [OPTION]...", "bench sink [--host H] [--port P]"},
        header = "Offer MQTT load to a broker at a fixed rate and report delivery, loss, latency and broker CPU/RSS.",
        description = {"%nOpen loop: each message is due at a fixed time and its latency counts from then, so a broker"
                + " that stalls cannot hide it. Result: JSON on stdout (fields in docs/benchmarks.md); progress on stderr."},
        optionListHeading = "%nOptions:%n",
        subcommands = SinkCommand.class,
        footerHeading = "%nExamples:%n",
        footer = {"  taskset -c 1 bin/magpie bench --scenario pairs --publishers 10 --rate 20000 --broker-pid PID",
                "  taskset -c 1 bin/magpie bench --scenario fanout --subscribers 50 --sweep --p99-bound-ms 20",
                "  taskset -c 1 bin/magpie bench --scenario idle --connections 15000 --source-addresses 8 --broker-pid PID"})
public final class LoadCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Broker host (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--port", defaultValue = "1883", description = "Broker port (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--subscriber-port", defaultValue = "0", description = "Port the subscribing connections connect to,"
            + " e.g. another node of a cluster (magpie-bench/run-cluster.sh); 0: --port (default: ${DEFAULT-VALUE}).")
    int subscriberPort;
    @Option(names = "--scenario", defaultValue = "pairs",
            description = "pairs, fanout, fanin, shared, persistent, idle or storm (default: ${DEFAULT-VALUE}).")
    String scenario;
    @Option(names = "--mqtt", defaultValue = "3", description = "Protocol: 3 (3.1.1) or 5 (default: ${DEFAULT-VALUE}).")
    int mqtt;
    @Option(names = "--qos", defaultValue = "0", description = "QoS of publishes and subscriptions (default: ${DEFAULT-VALUE}; persistent: at least 1).")
    int qos;
    @Option(names = "--payload", defaultValue = "16", description = "Payload bytes, at least 16 (default: ${DEFAULT-VALUE}).")
    int payload;
    @Option(names = "--rate", defaultValue = "1000", description = "PUBLISHes per second offered by all publishers together; the sweep's first rate (default: ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--publishers", defaultValue = "1", description = "Publishing connections; pairs: the number of pairs (default: ${DEFAULT-VALUE}).")
    int publishers;
    @Option(names = "--subscribers", defaultValue = "1", description = "Subscribing connections of fanout and shared (default: ${DEFAULT-VALUE}).")
    int subscribers;
    @Option(names = "--warmup", defaultValue = "2", description = "Seconds of load before measuring (default: ${DEFAULT-VALUE}).")
    double warmup;
    @Option(names = "--duration", defaultValue = "10", description = "Seconds measured; idle: seconds held (default: ${DEFAULT-VALUE}).")
    double duration;
    @Option(names = "--drain", defaultValue = "5", description = "Seconds to wait for messages still on their way (default: ${DEFAULT-VALUE}).")
    double drain;
    @Option(names = "--inflight", defaultValue = "1000", description = "QoS 1/2 PUBLISHes in flight per publisher, at most (default: ${DEFAULT-VALUE}).")
    int inflight;
    @Option(names = "--io-threads", defaultValue = "1", description = "Generator event-loop threads (default: ${DEFAULT-VALUE}).")
    int ioThreads;
    @Option(names = "--keep-alive", defaultValue = "60", description = "Keep Alive seconds; PINGREQ at 3/4 of it (default: ${DEFAULT-VALUE}).")
    int keepAlive;
    @Option(names = "--connections", defaultValue = "1000", description = "Connections of idle and storm (default: ${DEFAULT-VALUE}).")
    int connections;
    @Option(names = "--concurrency", defaultValue = "100", description = "Connection attempts outstanding at once; storm 1 = sequential (default: ${DEFAULT-VALUE}).")
    int concurrency;
    @Option(names = "--source-addresses", defaultValue = "0", description = "Bind connections round-robin to N source addresses from 127.0.0.2 up; 0: let the OS pick (default: ${DEFAULT-VALUE}).")
    int sourceAddresses;
    @Option(names = "--tls", description = "Connect with TLS (trusts any certificate unless --ca-file) (default: off).")
    boolean tls;
    @Option(names = "--ca-file", description = "PEM CA certificate(s) to trust for --tls (default: none, trust any).")
    File caFile;
    @Option(names = "--ws", description = "MQTT over WebSocket (ws://host:port/path; wss with --tls) (default: off).")
    boolean webSocket;
    @Option(names = "--ws-path", defaultValue = "/mqtt", description = "WebSocket path (default: ${DEFAULT-VALUE}).")
    String webSocketPath;
    @Option(names = "--broker-pid", defaultValue = "0", description = "Broker process id to read CPU and RSS of from /proc; 0: none (default: ${DEFAULT-VALUE}).")
    long brokerPid;
    @Option(names = "--tick-us", defaultValue = "250", description = "Shortest pacer tick in microseconds: due messages go out in batches at most this often (default: ${DEFAULT-VALUE}).")
    long tickMicros;
    @Option(names = "--sweep", description = "Find the highest rate that holds (see --min-delivered, --p99-bound-ms) (default: off).")
    boolean sweep;
    @Option(names = "--sweep-growth", defaultValue = "2", description = "Rate factor while rates hold (default: ${DEFAULT-VALUE}).")
    double sweepGrowth;
    @Option(names = "--sweep-precision", defaultValue = "0.05", description = "Stop bisecting within this fraction (default: ${DEFAULT-VALUE}).")
    double sweepPrecision;
    @Option(names = "--sweep-max", defaultValue = "10000000", description = "Highest rate the sweep offers (default: ${DEFAULT-VALUE}).")
    double sweepMax;
    @Option(names = "--min-delivered", defaultValue = "0.999", description = "delivered/expected a rate needs to hold (default: ${DEFAULT-VALUE}).")
    double minDelivered;
    @Option(names = "--p99-bound-ms", defaultValue = "50", description = "p99 latency a rate must stay under to hold (default: ${DEFAULT-VALUE}).")
    double p99BoundMillis;
    @Option(names = "--json", description = "Also write the JSON result to this file (default: stdout only).")
    Path jsonFile;
    @Option(names = "--markdown", description = "Print a markdown table header and row after the JSON (default: off).")
    boolean markdown;
    @Option(names = "--label", defaultValue = "", description = "A name for this run, copied into the result (e.g. the broker).")
    String label;
    @Option(names = "--quiet", description = "No progress lines (default: one per second on stderr).")
    boolean quiet;
    @Option(names = "--processes", defaultValue = "1", description = "Split the load over this many generator processes"
            + " (each may open 20,000 files here) and add their results up (default: ${DEFAULT-VALUE}).")
    int processes;
    @Option(names = "--slice-index", hidden = true, defaultValue = "0")
    int sliceIndex;
    @Option(names = "--slice-count", hidden = true, defaultValue = "0")
    int sliceCount;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    public LoadCommand() {
        this(System.out, System.err);
    }

    LoadCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs {@code magpie bench} with {@code args} and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadCommand()).execute(args));
    }

    LoadSettings settings() {
        Scenario s;
        try {
            s = Scenario.valueOf(scenario.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --scenario " + scenario);
        }
        int level = mqtt == 5 ? MqttFrames.V5 : mqtt == 3 ? MqttFrames.V3 : -1;
        Connector.Target target = new Connector.Target(host, port, tls, Optional.ofNullable(caFile), webSocket,
                webSocketPath, sourceAddresses, subscriberPort);
        return new LoadSettings(s, target, level, qos, payload, rate, publishers, subscribers, warmup, duration, drain,
                inflight, ioThreads, keepAlive, connections, concurrency, brokerPid, tickMicros, !quiet, label);
    }

    @Override
    public Integer call() throws Exception {
        LoadSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            err.println("magpie bench: " + e.getMessage());
            return 2;
        }
        Report report;
        int offset = 0;
        try {
            if (processes > 1 && sliceCount == 0) {
                if (sweep) {
                    err.println("magpie bench: --sweep runs in one process; drop --processes");
                    return 2;
                }
                report = ProcessSplit.run(settings, childArgs(), processes, err);
                return print(report, settings.scenario());
            }
            if (sliceCount > 0) {
                offset = ProcessSplit.firstIndex(settings, sliceCount, sliceIndex);
                settings = ProcessSplit.slice(settings, sliceCount, sliceIndex);
            }
        } catch (IllegalArgumentException e) {
            err.println("magpie bench: " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            err.println("magpie bench: " + e.getMessage());
            return 1;
        }
        try (Connector connector = new Connector(settings.target(), settings.ioThreads(), offset)) {
            report = run(settings, connector);
        } catch (IllegalStateException e) {
            err.println("magpie bench: " + e.getMessage());
            return 1;
        }
        return print(report, settings.scenario());
    }

    private int print(Report report, Scenario scenarioRun) {
        String json = report.toJson();
        out.println(json);
        if (jsonFile != null) {
            try {
                Files.writeString(jsonFile, json + "\n");
            } catch (IOException e) {
                err.println("magpie bench: cannot write " + jsonFile + ": " + e.getMessage());
                return 1;
            }
        }
        if (markdown) {
            List<String> columns = markdownColumns(scenarioRun);
            out.println(Report.markdownHeader(columns));
            out.println(report.markdownRow(columns));
        }
        return 0;
    }

    private Report run(LoadSettings settings, Connector connector) throws InterruptedException {
        ConnectionRuns connectionRuns = new ConnectionRuns(settings, connector, err, sliceCount > 0 ? this::holdForParent : null);
        switch (settings.scenario()) {
            case IDLE:
                return connectionRuns.idle();
            case STORM:
                return connectionRuns.storm();
            default:
                if (sweep) {
                    return sweep(settings, connector);
                }
                RateRun run = new RateRun(settings, connector, err);
                Report report = run.run();
                if (sliceCount > 0) {
                    report.put("latency_histogram", ProcessSplit.encode(run.latencyOfLastRun()));
                }
                return report;
        }
    }

    /** A child of {@link ProcessSplit} with its idle connections open: tell the parent, wait for its newline. */
    private void holdForParent() {
        out.println(ProcessSplit.READY);
        out.flush();
        try {
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The original arguments without those the parent handles itself. */
    private List<String> childArgs() {
        List<String> args = new ArrayList<>();
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        for (int i = 0; i < original.size(); i++) {
            String a = original.get(i);
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            boolean valued = name.equals("--processes") || name.equals("--json");
            if (valued || name.equals("--markdown")) {
                if (valued && !a.contains("=")) {
                    i++;
                }
                continue;
            }
            args.add(a);
        }
        return args;
    }

    private Report sweep(LoadSettings settings, Connector connector) throws InterruptedException {
        Sweep plan = new Sweep(settings.rate(), sweepGrowth, sweepPrecision, sweepMax, minDelivered,
                (long) (p99BoundMillis * 1000));
        List<Sweep.Step> steps = new ArrayList<>();
        List<Report> reports = new ArrayList<>();
        OptionalDouble next = plan.next(steps);
        while (next.isPresent()) {
            err.printf(Locale.ROOT, "sweep: offering %.0f msg/s%n", next.getAsDouble());
            Report step = new RateRun(settings.withRate(next.getAsDouble()), connector, err).run();
            Sweep.Step outcome = new Sweep.Step(next.getAsDouble(), step.number("delivered_ratio"),
                    step.number("latency_p99_us"));
            step.put("held", plan.held(outcome));
            err.printf(Locale.ROOT, "sweep: %.0f msg/s %s (delivered %.4f, p99 %.2f ms)%n", outcome.rate(),
                    plan.held(outcome) ? "held" : "did not hold", outcome.deliveredRatio(), outcome.p99Micros() / 1000);
            steps.add(outcome);
            reports.add(step);
            next = plan.next(steps);
        }
        double best = plan.result(steps);
        Report result = reports.stream().filter(r -> r.number("offered_rate") == best).findFirst().map(Report::copy)
                .orElse(new Report().put("scenario", settings.scenario().name().toLowerCase(Locale.ROOT)));
        result.put("sweep_max_held_rate", best).put("sweep_min_delivered", minDelivered)
                .put("sweep_p99_bound_us", plan.p99BoundMicros()).put("sweep_steps", reports);
        return result;
    }

    static List<String> markdownColumns(Scenario scenario) {
        return switch (scenario) {
            case IDLE -> List.of("label", "scenario", "transport", "connections", "open_at_end", "broker_rss_delta_bytes",
                    "broker_rss_per_connection_bytes");
            case STORM -> List.of("label", "scenario", "transport", "connections", "concurrency", "connects_per_second",
                    "setup_p50_us", "setup_p99_us", "broker_cpu_cores");
            default -> List.of("label", "scenario", "transport", "mqtt", "qos", "payload_bytes", "publishers", "subscribers",
                    "offered_rate", "delivery_rate", "delivered_ratio", "lost", "duplicates", "reordered",
                    "latency_p50_us", "latency_p99_us", "latency_p999_us", "latency_max_us", "broker_cpu_cores",
                    "broker_cpu_us_per_delivery", "broker_rss_end_bytes", "sweep_max_held_rate");
        };
    }
}
