package dev.magpie.bench.codec;

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

import java.util.concurrent.TimeUnit;

/** Encoding one QoS 1 PUBLISH into a pooled direct buffer, then releasing it. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PublishEncodeBenchmark {
    @Param({"64", "4096"})
    int payloadSize;

    @Param({"V3_1_1", "V5"})
    MqttVersion version;

    private Publish publish;

    @Setup
    public void setUp() {
        publish = Payloads.publish(payloadSize, 1, version);
    }

    @Benchmark
    public int encodePublish() {
        ByteBuf buf = MqttEncoder.encode(PooledByteBufAllocator.DEFAULT, publish, version);
        int size = buf.readableBytes();
        buf.release();
        return size;
    }
}
