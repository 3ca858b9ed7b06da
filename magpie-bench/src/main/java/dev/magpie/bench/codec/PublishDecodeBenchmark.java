package dev.magpie.bench.codec;

import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttDecoder;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Decoding one QoS 1 PUBLISH on the server side, through a real {@link MqttDecoder} in an
 * {@link EmbeddedChannel} (so the cost includes Netty's pipeline hop, as in the broker). The input
 * buffer is a retained duplicate of one pooled direct buffer, like a socket read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PublishDecodeBenchmark {
    @Param({"64", "4096"})
    int payloadSize;

    @Param({"V3_1_1", "V5"})
    MqttVersion version;

    private EmbeddedChannel channel;
    private ByteBuf encoded;

    @Setup(Level.Trial)
    public void setUp() {
        channel = new EmbeddedChannel(MqttDecoder.forServer(1 << 20));
        Connect connect = new Connect(version, "bench", true, 60, null, null, null, MqttProperties.EMPTY);
        channel.writeInbound(MqttEncoder.encode(PooledByteBufAllocator.DEFAULT, connect, version));
        channel.readInbound();
        encoded = MqttEncoder.encode(PooledByteBufAllocator.DEFAULT, Payloads.publish(payloadSize, 1, version), version);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoded.release();
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public Object decodePublish() {
        channel.writeInbound(encoded.retainedDuplicate());
        return channel.readInbound();
    }
}
