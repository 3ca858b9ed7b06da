package dev.magpie.bench.routing;

import dev.magpie.routing.MatchConsumer;
import dev.magpie.routing.SubscriptionTree;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Matching and writing against the one-million-subscription {@link SubscriptionMix}. Match benchmarks return
 * the number of matches so the work cannot be optimised away; write benchmarks put and then remove, so the
 * tree is unchanged between invocations and every put creates nodes that the remove prunes again.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SubscriptionTreeBenchmark {

    private static final int TOPICS = 1 << 14;

    private SubscriptionTree<Integer> tree;
    private String[] telemetry;
    private String[] status;
    private String[] commandFilters;
    private String[] newDeviceFilters;
    private String[] existingFilters;
    private String[] existingClients;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        tree = SubscriptionMix.build(42);
        telemetry = SubscriptionMix.topics(1, TOPICS, "/telemetry");
        status = SubscriptionMix.topics(2, TOPICS, "/status");
        commandFilters = SubscriptionMix.topics(3, TOPICS, "/cmd");
        existingFilters = new String[TOPICS];
        existingClients = new String[TOPICS];
        newDeviceFilters = new String[TOPICS];
        Random random = new Random(4);
        for (int i = 0; i < TOPICS; i++) {
            int device = random.nextInt(SubscriptionMix.DEVICES);
            existingFilters[i] = "devices/" + SubscriptionMix.deviceId(device) + "/telemetry";
            existingClients[i] = "c" + device;
            newDeviceFilters[i] = "devices/new" + i + "/telemetry";
        }
    }

    private int nextIndex() {
        next = (next + 1) & (TOPICS - 1);
        return next;
    }

    private static final class Counter implements MatchConsumer<Integer> {
        int matches;

        @Override
        public void accept(String clientId, String filter, Integer value) {
            matches += value;
        }
    }

    /** A device's telemetry: 1 exact + ~0.11 dashboard + 100 {@code +} + 10 {@code #} matches. */
    @Benchmark
    public int matchTelemetry() {
        Counter counter = new Counter();
        tree.match(telemetry[nextIndex()], counter);
        return counter.matches;
    }

    /** A device's status: only dashboards and loggers match (~10). */
    @Benchmark
    public int matchStatus() {
        Counter counter = new Counter();
        tree.match(status[nextIndex()], counter);
        return counter.matches;
    }

    /** A topic outside the fleet: only {@code #} matches (10). */
    @Benchmark
    public int matchUnrelated() {
        Counter counter = new Counter();
        tree.match("factory/line1/temperature", counter);
        return counter.matches;
    }

    /** Subscribe + unsubscribe under an existing device: creates and prunes one leaf node. */
    @Benchmark
    public Integer putRemoveUnderExistingDevice() {
        String filter = commandFilters[nextIndex()];
        tree.put(filter, "bench", SubscriptionMix.QOS1);
        return tree.remove(filter, "bench");
    }

    /** Subscribe + unsubscribe for a new device: a two-node branch under the 900k-wide level. */
    @Benchmark
    public Integer putRemoveNewDevice() {
        String filter = newDeviceFilters[nextIndex()];
        tree.put(filter, "bench", SubscriptionMix.QOS1);
        return tree.remove(filter, "bench");
    }

    /** Re-subscribe of an existing (filter, client): replaces the value in place. */
    @Benchmark
    public Integer putReplaceExisting() {
        int i = nextIndex();
        return tree.put(existingFilters[i], existingClients[i], SubscriptionMix.QOS1);
    }
}
