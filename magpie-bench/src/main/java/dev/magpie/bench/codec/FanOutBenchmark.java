package dev.magpie.bench.codec;

import dev.magpie.codec.EncodedPublish;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * One PUBLISH delivered to {@value #SUBSCRIBERS} subscribers, each with its own packet id: encoded once
 * and shared ({@link EncodedPublish}) versus encoded again per subscriber. Each delivery buffer is
 * released right away, as a channel write would after flushing; the socket copy is not measured.
 * Time is per message (all {@value #SUBSCRIBERS} deliveries).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanOutBenchmark {
    static final int SUBSCRIBERS = 1000;

    @Param({"64", "4096"})
    int payloadSize;

    @Param({"0", "1"})
    int qos;

    private final MqttVersion version = MqttVersion.V5;
    private Publish publish;

    @Setup
    public void setUp() {
        publish = Payloads.publish(payloadSize, qos, version);
    }

    @Benchmark
    public void encodeOnceShared(Blackhole bh) {
        EncodedPublish encoded = EncodedPublish.of(PooledByteBufAllocator.DEFAULT, publish, version);
        try {
            for (int i = 0; i < SUBSCRIBERS; i++) {
                ByteBuf delivery = encoded.forDelivery(1 + i, false);
                bh.consume(delivery.readableBytes());
                delivery.release();
            }
        } finally {
            encoded.release();
        }
    }

    @Benchmark
    public void encodePerSubscriber(Blackhole bh) {
        for (int i = 0; i < SUBSCRIBERS; i++) {
            Publish p = qos > 0 ? publish.withPacketId(1 + i, false) : publish;
            ByteBuf delivery = MqttEncoder.encode(PooledByteBufAllocator.DEFAULT, p, version);
            bh.consume(delivery.readableBytes());
            delivery.release();
        }
    }
}
