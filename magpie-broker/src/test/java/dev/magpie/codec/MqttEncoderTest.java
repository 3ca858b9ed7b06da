package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Byte vectors for what the encoder writes, especially where versions differ. */
class MqttEncoderTest {

    private static String hex(MqttPacket packet, MqttVersion version) {
        ByteBuf buf = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, packet, version);
        try {
            assertThat(buf.readableBytes()).isEqualTo(MqttEncoder.encodedSize(packet, version));
            assertThat(buf.capacity()).as("sized exactly").isEqualTo(buf.readableBytes());
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void connect311() {
        Connect c = new Connect(MqttVersion.V3_1_1, "clid", true, 60, "u", "pw".getBytes(), null, MqttProperties.EMPTY);
        assertThat(hex(c, MqttVersion.V5)).isEqualTo( // a CONNECT is written in its own version
                "10" + "17"                 // CONNECT, remaining length 23
                        + "00044d515454"    // "MQTT"
                        + "04"              // level 4
                        + "c2"              // user name, password, clean session
                        + "003c"            // keep alive 60
                        + "0004636c6964"    // "clid"
                        + "000175"          // "u"
                        + "00027077");      // "pw"
    }

    @Test
    void connect31UsesMqisdp() {
        Connect c = new Connect(MqttVersion.V3_1, "c", false, 0, null, null, null, MqttProperties.EMPTY);
        assertThat(hex(c, MqttVersion.V3_1)).isEqualTo("10" + "0f" + "00064d514973647003" + "00" + "0000" + "000163");
    }

    @Test
    void connAckMapsReasonCodesFor3x() {
        assertThat(hex(new ConnAck(true, 0, MqttProperties.EMPTY), MqttVersion.V3_1_1)).isEqualTo("20020100");
        assertThat(hex(new ConnAck(false, ReasonCode.BANNED, MqttProperties.EMPTY), MqttVersion.V3_1_1)).isEqualTo("20020005");
        assertThat(hex(new ConnAck(false, ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, MqttProperties.EMPTY), MqttVersion.V3_1_1))
                .isEqualTo("20020001");
        assertThat(hex(new ConnAck(false, ReasonCode.QUOTA_EXCEEDED, MqttProperties.EMPTY), MqttVersion.V3_1_1)).isEqualTo("20020003");
        // a will the broker does not accept (topic over the limits, QoS or retain not offered): 0x05 Not authorized
        for (int willRefusal : new int[] {ReasonCode.TOPIC_NAME_INVALID, ReasonCode.QOS_NOT_SUPPORTED, ReasonCode.RETAIN_NOT_SUPPORTED}) {
            assertThat(hex(new ConnAck(false, willRefusal, MqttProperties.EMPTY), MqttVersion.V3_1_1)).isEqualTo("20020005");
        }
        // 3.1 had no Session Present flag
        assertThat(hex(new ConnAck(true, 0, MqttProperties.EMPTY), MqttVersion.V3_1)).isEqualTo("20020000");
        // 5.0 keeps the code and writes a property length
        assertThat(hex(new ConnAck(false, ReasonCode.BANNED, MqttProperties.EMPTY), MqttVersion.V5)).isEqualTo("2003008a00");
    }

    @Test
    void subAckFailureIs0x80In311() {
        SubAck a = new SubAck(1, List.of(1, ReasonCode.TOPIC_FILTER_INVALID, ReasonCode.NOT_AUTHORIZED), MqttProperties.EMPTY);
        assertThat(hex(a, MqttVersion.V3_1_1)).isEqualTo("9005" + "0001" + "01" + "80" + "80");
        assertThat(hex(a, MqttVersion.V5)).isEqualTo("9006" + "0001" + "00" + "01" + "8f" + "87");
    }

    @Test
    void unsubAckHasNoPayloadIn311() {
        UnsubAck a = new UnsubAck(7, List.of(0, 0x11), MqttProperties.EMPTY);
        assertThat(hex(a, MqttVersion.V3_1_1)).isEqualTo("b0020007");
        assertThat(hex(a, MqttVersion.V5)).isEqualTo("b005" + "0007" + "00" + "0011");
    }

    @ParameterizedTest
    @EnumSource(value = PacketType.class, names = {"PUBACK", "PUBREC", "PUBREL", "PUBCOMP"})
    void pubResponseShortForms_MQTT_3_4_2_1(PacketType type) {
        String first = Integer.toHexString(type.code() << 4 | (type == PacketType.PUBREL ? 2 : 0));
        assertThat(hex(PubResponse.of(type, 5), MqttVersion.V5)).isEqualTo(first + "02" + "0005");
        int reason = type == PacketType.PUBREL || type == PacketType.PUBCOMP ? 0x92 : 0x10;
        assertThat(hex(new PubResponse(type, 5, reason, MqttProperties.EMPTY), MqttVersion.V5))
                .isEqualTo(first + "03" + "0005" + Integer.toHexString(reason));
        MqttProperties reasonString = MqttProperties.builder().string(PropertyId.REASON_STRING, "r").build();
        assertThat(hex(new PubResponse(type, 5, 0, reasonString), MqttVersion.V5))
                .isEqualTo(first + "08" + "0005" + "00" + "04" + "1f000172");
        // 3.1.1: the reason is dropped
        assertThat(hex(new PubResponse(type, 5, reason, reasonString), MqttVersion.V3_1_1)).isEqualTo(first + "02" + "0005");
    }

    @Test
    void disconnectShortForms() {
        assertThat(hex(Disconnect.NORMAL, MqttVersion.V5)).isEqualTo("e000");
        assertThat(hex(new Disconnect(ReasonCode.DISCONNECT_WITH_WILL, MqttProperties.EMPTY), MqttVersion.V5)).isEqualTo("e00104");
        assertThat(hex(new Disconnect(ReasonCode.SESSION_TAKEN_OVER, MqttProperties.EMPTY), MqttVersion.V3_1_1)).isEqualTo("e000");
        assertThat(hex(new Auth(0, MqttProperties.EMPTY), MqttVersion.V5)).isEqualTo("f000");
    }

    @Test
    void publishV5WithProperties() {
        MqttProperties props = MqttProperties.builder().integer(PropertyId.TOPIC_ALIAS, 3)
                .userProperty("k", "v").build();
        Publish p = new Publish("a/b", 1, true, true, 10, new byte[] {1, 2}, props);
        assertThat(hex(p, MqttVersion.V5)).isEqualTo(
                "3b" + "14"                 // PUBLISH, DUP, QoS 1, retain; remaining length 20
                        + "0003612f62"      // topic "a/b"
                        + "000a"            // packet id 10
                        + "0a"              // property length 10
                        + "230003"          //   Topic Alias 3
                        + "2600016b000176"  //   User Property k=v
                        + "0102");          // payload
        assertThat(hex(p, MqttVersion.V3_1_1)).isEqualTo("3b" + "09" + "0003612f62" + "000a" + "0102");
    }

    @Test
    void subscribeOptionsByVersion() {
        Subscribe s = new Subscribe(1, List.of(new Subscribe.Subscription("a", 2, true, true, 2)), MqttProperties.EMPTY);
        assertThat(hex(s, MqttVersion.V5)).isEqualTo("8207" + "0001" + "00" + "000161" + "2e");
        assertThat(hex(s, MqttVersion.V3_1_1)).isEqualTo("8206" + "0001" + "000161" + "02");
    }

    @Test
    void remainingLengthBoundaries() {
        for (int remaining : new int[] {127, 128, 16_383, 16_384, 2_097_151, 2_097_152}) {
            Publish p = new Publish("t", 0, false, false, 0, new byte[remaining - 3], MqttProperties.EMPTY);
            ByteBuf buf = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, p, MqttVersion.V3_1_1);
            assertThat(buf.readableBytes()).isEqualTo(1 + WireReader.varIntSize(remaining) + remaining);
            buf.release();
        }
    }

    @Test
    void refusesWhatCannotBeRepresented() {
        assertThatThrownBy(() -> MqttEncoder.encodedSize(new Auth(0, MqttProperties.EMPTY), MqttVersion.V3_1_1))
                .isInstanceOf(IllegalArgumentException.class);
        Publish longTopic = new Publish("a".repeat(65_536), 0, false, false, 0, new byte[0], MqttProperties.EMPTY);
        assertThatThrownBy(() -> MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, longTopic, MqttVersion.V5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void packetEncoderHandlerUsesItsVersionAndPassesBuffersThrough() {
        MqttPacketEncoder encoder = new MqttPacketEncoder();
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        assertThat(encoder.version()).isEqualTo(MqttVersion.V3_1_1);
        ch.writeOutbound(new SubAck(1, List.of(0x87), MqttProperties.EMPTY));
        ByteBuf v311 = ch.readOutbound();
        assertThat(ByteBufUtil.hexDump(v311)).isEqualTo("9003000180");
        v311.release();
        encoder.version(MqttVersion.V5);
        ch.writeOutbound(new SubAck(1, List.of(0x87), MqttProperties.EMPTY));
        ByteBuf v5 = ch.readOutbound();
        assertThat(ByteBufUtil.hexDump(v5)).isEqualTo("900400010087");
        v5.release();
        ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {(byte) 0xD0, 0});
        ch.writeOutbound(raw);
        ByteBuf out = ch.readOutbound();
        assertThat(out).isSameAs(raw);
        out.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
