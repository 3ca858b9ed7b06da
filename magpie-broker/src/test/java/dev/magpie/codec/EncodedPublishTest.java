package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncodedPublishTest {
    private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    static Stream<Arguments> versionsAndQos() {
        List<Arguments> args = new ArrayList<>();
        for (MqttVersion v : MqttVersion.values()) {
            for (int qos = 0; qos <= 2; qos++) {
                for (int payload : new int[] {0, 5, 200, 17_000}) {
                    args.add(Arguments.of(v, qos, payload));
                }
            }
        }
        return args.stream();
    }

    private static Publish publish(int qos, int payloadSize, boolean retain, MqttVersion v) {
        byte[] payload = new byte[payloadSize];
        for (int i = 0; i < payloadSize; i++) {
            payload[i] = (byte) i;
        }
        MqttProperties props = v.isV5()
                ? MqttProperties.builder().integer(PropertyId.MESSAGE_EXPIRY_INTERVAL, 30).userProperty("k", "v").build()
                : MqttProperties.EMPTY;
        return new Publish("sensors/\u00e9t\u00e9/temp", qos, retain, false, 0, payload, props);
    }

    /** Copies in one call: a per-byte read would be recorded by the paranoid leak detector, byte by byte. */
    private static byte[] bytes(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    private static byte[] expected(Publish p, MqttVersion v) {
        ByteBuf buf = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, p, v);
        try {
            return bytes(buf);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0} QoS {1} payload {2}")
    @MethodSource("versionsAndQos")
    void deliveriesEqualAFreshEncoding(MqttVersion v, int qos, int payloadSize) {
        Publish p = publish(qos, payloadSize, true, v);
        EncodedPublish encoded = EncodedPublish.of(ALLOC, p, v);
        assertThat(encoded.qos()).isEqualTo(qos);
        List<ByteBuf> deliveries = new ArrayList<>();
        for (int id : qos == 0 ? new int[] {0} : new int[] {1, 255, 256, 65_535}) {
            for (boolean dup : qos == 0 ? new boolean[] {false} : new boolean[] {false, true}) {
                for (boolean retain : new boolean[] {true, false}) {
                    ByteBuf d = encoded.forDelivery(id, dup, retain);
                    deliveries.add(d);
                    Publish wanted = new Publish(p.topic(), qos, retain, dup, id, p.payload(), p.properties());
                    assertThat(bytes(d)).isEqualTo(expected(wanted, v));
                    assertThat(d.readableBytes()).isEqualTo(encoded.size());
                }
            }
        }
        ByteBuf asPublished = encoded.forDelivery(qos == 0 ? 0 : 9, false);
        assertThat(bytes(asPublished)).isEqualTo(expected(p.withPacketId(qos == 0 ? 0 : 9, false), v));
        deliveries.add(asPublished);

        // the holder outlives its release while deliveries still hold the bytes
        assertThat(encoded.release()).isTrue();
        assertThat(encoded.refCnt()).isZero();
        for (ByteBuf d : deliveries) {
            assertThat(d.refCnt()).isEqualTo(1);
            assertThat(d.release()).isTrue();
        }
    }

    @Test
    void qos0DeliveryWithTheSameRetainFlagSharesTheWholeBuffer() {
        EncodedPublish encoded = EncodedPublish.of(ALLOC, publish(0, 10, false, MqttVersion.V5), MqttVersion.V5);
        ByteBuf a = encoded.forDelivery(0, false);
        ByteBuf b = encoded.forDelivery(0, false);
        try {
            assertThat(address(a)).isEqualTo(address(b));
        } finally {
            a.release();
            b.release();
        }
        assertThat(encoded.release()).isTrue();
    }

    @Test
    void qos1DeliveriesShareThePayload() {
        EncodedPublish encoded = EncodedPublish.of(ALLOC, publish(1, 4096, false, MqttVersion.V5), MqttVersion.V5);
        ByteBuf a = encoded.forDelivery(1, false);
        ByteBuf b = encoded.forDelivery(2, false);
        try {
            assertThat(a.nioBufferCount()).isEqualTo(2);
            ByteBuffer tailA = a.nioBuffers()[1];
            ByteBuffer tailB = b.nioBuffers()[1];
            assertThat(tailA.remaining()).isGreaterThan(4096);
            assertThat(a.nioBuffers()[0].remaining()).isLessThan(40);
            // both tails are views of the same memory: a write through one shows in the other
            if (tailA.isDirect()) {
                assertThat(tailA).isNotSameAs(tailB);
                assertThat(sameMemory(tailA, tailB)).isTrue();
            }
        } finally {
            a.release();
            b.release();
            encoded.release();
        }
    }

    private static long address(ByteBuf b) {
        return b.hasMemoryAddress() ? b.memoryAddress() : System.identityHashCode(b.array()) + (long) b.arrayOffset();
    }

    private static boolean sameMemory(ByteBuffer x, ByteBuffer y) {
        return io.netty.util.internal.PlatformDependent.directBufferAddress(x) + x.position()
                == io.netty.util.internal.PlatformDependent.directBufferAddress(y) + y.position();
    }

    @Test
    void retainKeepsTheHolderAlive() {
        EncodedPublish encoded = EncodedPublish.of(ALLOC, publish(2, 1, false, MqttVersion.V3_1_1), MqttVersion.V3_1_1);
        assertThat(encoded.retain()).isSameAs(encoded);
        assertThat(encoded.release()).isFalse();
        ByteBuf d = encoded.forDelivery(3, true);
        d.release();
        assertThat(encoded.release()).isTrue();
        assertThatThrownBy(() -> encoded.forDelivery(4, false)).isInstanceOf(IllegalReferenceCountException.class);
    }

    @Test
    void qos0CannotBeADuplicate() {
        EncodedPublish encoded = EncodedPublish.of(ALLOC, publish(0, 1, false, MqttVersion.V5), MqttVersion.V5);
        assertThatThrownBy(() -> encoded.forDelivery(0, true)).isInstanceOf(IllegalArgumentException.class);
        encoded.release();
    }
}
