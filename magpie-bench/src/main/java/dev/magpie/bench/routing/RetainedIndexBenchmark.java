package dev.magpie.bench.routing;

import dev.magpie.routing.RetainedIndex;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One million retained messages: {@code devices/<id>/telemetry} for 900,000 devices and
 * {@code devices/<id>/status} for 100,000 of them. Shows that a SUBSCRIBE pays for the branches its filter
 * reaches, not for the size of the index.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RetainedIndexBenchmark {

    private static final int TOPICS = 1 << 14;
    private static final int WITH_STATUS = 100_000;

    private RetainedIndex<Integer> index;
    private String[] deviceFilters;
    private String[] telemetry;
    private String[] newTopics;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        index = new RetainedIndex<>();
        for (int i = 0; i < SubscriptionMix.DEVICES; i++) {
            index.put("devices/" + SubscriptionMix.deviceId(i) + "/telemetry", SubscriptionMix.QOS1);
        }
        for (int i = 0; i < WITH_STATUS; i++) {
            index.put("devices/" + SubscriptionMix.deviceId(i) + "/status", SubscriptionMix.QOS1);
        }
        Random random = new Random(5);
        deviceFilters = new String[TOPICS];
        telemetry = new String[TOPICS];
        newTopics = new String[TOPICS];
        for (int i = 0; i < TOPICS; i++) {
            String device = SubscriptionMix.deviceId(random.nextInt(WITH_STATUS));
            deviceFilters[i] = "devices/" + device + "/#";
            telemetry[i] = "devices/" + device + "/telemetry";
            newTopics[i] = "devices/new" + i + "/telemetry";
        }
    }

    private int nextIndex() {
        next = (next + 1) & (TOPICS - 1);
        return next;
    }

    private static final class Counter implements BiConsumer<String, Integer> {
        int matches;

        @Override
        public void accept(String topic, Integer value) {
            matches += value;
        }
    }

    @Benchmark
    public Integer getExact() {
        return index.get(telemetry[nextIndex()]);
    }

    /** {@code devices/<id>/#}: 2 retained messages out of 1,000,000. */
    @Benchmark
    public int matchOneDevice() {
        Counter counter = new Counter();
        index.match(deviceFilters[nextIndex()], counter);
        return counter.matches;
    }

    /** {@code devices/+/status}: must visit every device level (900,000 children), returns 100,000. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int matchAllStatuses() {
        Counter counter = new Counter();
        index.match("devices/+/status", counter);
        return counter.matches;
    }

    @Benchmark
    public Integer putRemoveNewTopic() {
        String topic = newTopics[nextIndex()];
        index.put(topic, SubscriptionMix.QOS1);
        return index.remove(topic);
    }
}
