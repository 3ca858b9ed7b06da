package dev.magpie.bench.observe;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.Publish;
import dev.magpie.observe.TrafficCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counting one PUBLISH costs the broker: in, the connection's packet, QoS and payload counts plus the wire handler's
 * bytes; out, the wire handler's QoS, bytes and payload counts. Each benchmark thread counts into its own
 * {@link TrafficCounters.Local} of one shared {@link TrafficCounters}, as each event loop does; {@code -t 2} shows what
 * two loops cost each other. {@code *LongAdder} do the same additions on shared {@link LongAdder}s (what a simpler design
 * would cost: a compare-and-set each). Compare with a PUBLISH's decode ({@code PublishDecodeBenchmark}), a fraction of
 * its path through the broker.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TrafficCountingBenchmark {
    private static final Publish PUBLISH = new Publish("building-1/floor-2/room-17/temperature", 1, false, false, 7, new byte[64],
            MqttProperties.EMPTY);

    @State(Scope.Benchmark)
    public static class Shared {
        final TrafficCounters counters = new TrafficCounters();
        final LongAdder packets = new LongAdder();
        final LongAdder byQos = new LongAdder();
        final LongAdder payload = new LongAdder();
        final LongAdder bytes = new LongAdder();
    }

    @State(Scope.Thread)
    public static class Loop {
        TrafficCounters.Local counts;

        @Setup
        public void setUp(Shared shared) {
            counts = shared.counters.local(); // on the benchmark thread, as a connection takes its loop's
        }
    }

    @Benchmark
    public void publishIn(Loop loop) {
        loop.counts.bytesReceived(108);
        loop.counts.received(PUBLISH);
    }

    @Benchmark
    public void publishOut(Loop loop) {
        loop.counts.publishSent(1, 108, 64);
    }

    @Benchmark
    public void publishInLongAdder(Shared shared) {
        shared.bytes.add(108);
        shared.packets.increment();
        shared.byQos.increment();
        shared.payload.add(PUBLISH.payload().length);
    }
}
