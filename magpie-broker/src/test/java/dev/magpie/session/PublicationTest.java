package dev.magpie.session;

import dev.magpie.codec.EncodedPublish;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A fan-out encodes a PUBLISH once per wire variant, shares it, and frees it with the last reference. */
class PublicationTest {
    private final ByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
    private final Publish publish = new Publish("fan/out", 2, false, false, 0, new byte[1000], MqttProperties.EMPTY);

    @Test
    void everySubscriberOfTheSameVariantSharesOneEncoding() {
        Publication p = new Publication(publish, "origin");
        EncodedPublish first = p.encoded(alloc, MqttVersion.V3_1_1, 1);
        for (int i = 0; i < 100; i++) {
            assertThat(p.encoded(alloc, MqttVersion.V3_1_1, 1)).isSameAs(first);
        }
        // 3.1 and 3.1.1 PUBLISH are byte-identical, 5.0 is not
        assertThat(p.encoded(alloc, MqttVersion.V3_1, 1)).isSameAs(first);
        assertThat(p.encoded(alloc, MqttVersion.V5, 1)).isNotSameAs(first);
        assertThat(p.encoded(alloc, MqttVersion.V3_1_1, 0)).isNotSameAs(first);
        p.release();
    }

    @Test
    void deliveriesShareThePayloadBytesAndDifferOnlyInPacketId() {
        Publication p = new Publication(publish, "origin");
        EncodedPublish encoded = p.encoded(alloc, MqttVersion.V3_1_1, 1);
        ByteBuf a = encoded.forDelivery(1, false, false);
        ByteBuf b = encoded.forDelivery(2, false, false);
        assertThat(a.readableBytes()).isEqualTo(b.readableBytes()).isEqualTo(encoded.size());
        int diff = 0;
        for (int i = 0; i < a.readableBytes(); i++) {
            diff += a.getByte(a.readerIndex() + i) != b.getByte(b.readerIndex() + i) ? 1 : 0;
        }
        assertThat(diff).isEqualTo(1); // only the low byte of the packet id: 0x0001 vs 0x0002
        a.release();
        b.release();
        p.release();
    }

    @Test
    void lastReleaseFreesTheEncodings() {
        Publication p = new Publication(publish, "origin");
        EncodedPublish encoded = p.encoded(alloc, MqttVersion.V5, 2);
        p.retain();
        p.release();
        assertThat(encoded.refCnt()).isEqualTo(1);
        p.release();
        assertThat(encoded.refCnt()).isZero();
    }
}
