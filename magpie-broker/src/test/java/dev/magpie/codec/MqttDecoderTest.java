package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.magpie.codec.DecoderHarness.buf;
import static dev.magpie.codec.DecoderHarness.connected;
import static dev.magpie.codec.DecoderHarness.decode;
import static dev.magpie.codec.DecoderHarness.decodeAll;
import static dev.magpie.codec.DecoderHarness.reject;
import static dev.magpie.codec.DecoderHarness.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fixed header: remaining length, size limit, packet type, direction, flags, CONNECT order, failure state. */
class MqttDecoderTest {

    /** A QoS 0 PUBLISH to "t" whose remaining length is exactly {@code remaining}. */
    private static ByteBuf publishWithRemainingLength(int remaining) {
        ByteBuf buf = Unpooled.buffer(remaining + 5);
        buf.writeByte(0x30);                  // PUBLISH, QoS 0
        WireWriter.writeVarInt(buf, remaining); // remaining length
        buf.writeShort(1).writeByte('t');     // topic "t"
        buf.writeZero(remaining - 3);         // payload
        return buf;
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152})
    void remainingLengthBoundaries(int remaining) {
        EmbeddedChannel ch = connected(MqttVersion.V3_1_1, 3_000_000);
        List<MqttPacket> packets = decodeAll(ch, publishWithRemainingLength(remaining));
        assertThat(packets).singleElement().isInstanceOfSatisfying(Publish.class,
                p -> assertThat(p.payload()).hasSize(remaining - 3));
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void headerAnnouncingTheMaximumRemainingLengthFailsBeforeTheBodyArrives() {
        EmbeddedChannel ch = connected(MqttVersion.V3_1_1);
        MalformedPacketException e = reject(ch, ReasonCode.PACKET_TOO_LARGE,
                0x30,                    // PUBLISH
                0xFF, 0xFF, 0xFF, 0x7F); // remaining length 268435455, nothing else sent
        assertThat(e.getMessage()).contains("268435460");
    }

    @Test
    void headerAnnouncing200MegabytesFailsWithFiveBytes() {
        ByteBuf header = Unpooled.buffer();
        header.writeByte(0x30);
        WireWriter.writeVarInt(header, 200 * 1024 * 1024);
        reject(connected(MqttVersion.V5), ReasonCode.PACKET_TOO_LARGE, header);
    }

    @Test
    void connectLargerThanTheLimitFailsOnceItsVersionIsKnown() {
        // CONNECT, remaining length 128: only the protocol name and level are awaited, never the body
        EmbeddedChannel ch = server(100);
        assertThat(decodeAll(ch, buf(0x10, 0x80, 0x01))).isEmpty();
        // "MQTT" level 5, then the flags: the failure says it was a 5.0 CONNECT, to be answered with CONNACK 0x95
        MalformedPacketException e = reject(ch, ReasonCode.PACKET_TOO_LARGE, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00);
        assertThat(e.connectVersion()).contains(MqttVersion.V5);
    }

    @Test
    void connectLargerThanTheLimitWithAnUnknownProtocolNameHasNoVersion() {
        MalformedPacketException e = reject(server(100), ReasonCode.PACKET_TOO_LARGE,
                0x10, 0x80, 0x01, 0x00, 0x04, 'M', 'Q', 'X', 'X', 0x05, 0x02, 0x00, 0x3C);
        assertThat(e.connectVersion()).isEmpty();
    }

    @Test
    void connectFailingAfterItsLevelCarriesTheVersion() {
        // 5.0 CONNECT with the reserved flag set [MQTT-3.1.2-3]
        MalformedPacketException e = reject(server(), ReasonCode.MALFORMED_PACKET,
                0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x03, 0x00, 0x3C, 0x00, 0x00);
        assertThat(e.connectVersion()).contains(MqttVersion.V5);
    }

    @Test
    void discardInputStopsDecodingWhatIsBuffered() {
        MqttDecoder decoder = MqttDecoder.forServer(DecoderHarness.MAX);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(buf(0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00));
        assertThat((Object) ch.readInbound()).isInstanceOf(Connect.class);
        decoder.discardInput();
        // two PINGREQs and a reserved packet type: none decoded, nothing thrown
        ch.writeInbound(buf(0xC0, 0x00, 0xC0, 0x00, 0x00, 0x00));
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(decoder.hasFailed()).isFalse();
    }

    @Test
    void packetOfExactlyTheLimitIsAccepted() {
        // total = 1 + 1 + 3 = 5
        EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forClient(MqttVersion.V3_1_1, 5));
        assertThat(decodeAll(ch, buf(0x30, 0x03, 0x00, 0x01, 't'))).hasSize(1);
        reject(ch, ReasonCode.PACKET_TOO_LARGE, 0x30, 0x04, 0x00, 0x01, 't', 'x');
    }

    @Test
    void largeAnnouncedSizeWithinTheLimitWaitsWithoutDecoding() {
        EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forClient(MqttVersion.V3_1_1, Integer.MAX_VALUE));
        assertThat(decodeAll(ch, buf(0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0x00))).isEmpty();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void remainingLengthOfFiveBytesIsMalformed() {
        EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forClient(MqttVersion.V3_1_1, Integer.MAX_VALUE));
        reject(ch, ReasonCode.MALFORMED_PACKET, 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01);
    }

    @Test
    void nonMinimalRemainingLengthIsMalformed_MQTT_1_5_5_1() {
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0xC0, 0x80, 0x00); // PINGREQ, remaining length 0 in two bytes
    }

    @Test
    void bytesArrivingOneAtATimeDecodeTheSamePacket() {
        EmbeddedChannel ch = connected(MqttVersion.V3_1_1);
        int[] publish = {0x32, 0x08, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x07, 'x'};
        for (int i = 0; i < publish.length - 1; i++) {
            assertThat(decodeAll(ch, buf(publish[i]))).isEmpty();
        }
        assertThat(decodeAll(ch, buf(publish[publish.length - 1]))).singleElement()
                .isInstanceOfSatisfying(Publish.class, p -> {
                    assertThat(p.topic()).isEqualTo("a/b");
                    assertThat(p.packetId()).isEqualTo(7);
                    assertThat(p.payload()).containsExactly('x');
                });
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void severalPacketsInOneBuffer() {
        EmbeddedChannel ch = connected(MqttVersion.V3_1_1);
        assertThat(decodeAll(ch, buf(0xC0, 0x00, 0x40, 0x02, 0x00, 0x01, 0xE0, 0x00)))
                .containsExactly(PingReq.INSTANCE, PubResponse.of(PacketType.PUBACK, 1), Disconnect.NORMAL);
        ch.finishAndReleaseAll();
    }

    @Test
    void packetTypeZeroIsMalformed() {
        reject(server(), ReasonCode.MALFORMED_PACKET, 0x00, 0x00);
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x00, 0x00);
        reject(DecoderHarness.client(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x00, 0x00);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x20, 0x90, 0xB0, 0xD0})
    void serverRejectsPacketsOnlyServersSend(int firstByte) {
        reject(connected(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, firstByte, 0x00);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x10, 0x82, 0xA2, 0xC0})
    void clientRejectsPacketsOnlyClientsSend(int firstByte) {
        reject(DecoderHarness.client(MqttVersion.V5), ReasonCode.PROTOCOL_ERROR, firstByte, 0x00);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x30, 0x40, 0x62, 0x82, 0xA2, 0xC0, 0xE0})
    void firstPacketMustBeConnect_MQTT_3_1_0_1(int firstByte) {
        reject(server(), ReasonCode.PROTOCOL_ERROR, firstByte, 0x00);
    }

    @Test
    void secondConnectIsAProtocolError_MQTT_3_1_0_2() {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.PROTOCOL_ERROR, 0x10, 0x00);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x60, 0x63, 0x6A, 0x80, 0x83, 0xA0, 0xA3, 0x41, 0x48, 0x51, 0x72, 0xC1, 0xE2, 0xF1})
    void reservedFlagsMustMatchTheSpec_MQTT_2_2_2_1_and_MQTT_2_2_2_2(int firstByte) {
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, firstByte, 0x02, 0x00, 0x01);
    }

    @Test
    void reservedFlagsOfConnectAreCheckedBeforeAnythingElse() {
        reject(server(), ReasonCode.MALFORMED_PACKET, 0x11, 0x00);
    }

    @Test
    void mqtt31AllowsDupOnPubrelSubscribeUnsubscribe() {
        assertThat((DecoderHarness.<MqttPacket>decode(connected(MqttVersion.V3_1), 0x6A, 0x02, 0x00, 0x05)).type()).isEqualTo(PacketType.PUBREL);
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x6A, 0x02, 0x00, 0x05);
    }

    @Test
    void publishWithQos3IsMalformed_MQTT_3_3_1_4() {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0x36, 0x05, 0x00, 0x01, 't', 0x00, 0x01);
    }

    @Test
    void publishQos0WithDupIsMalformed_MQTT_3_3_1_2() {
        reject(connected(MqttVersion.V5), ReasonCode.MALFORMED_PACKET, 0x38, 0x04, 0x00, 0x01, 't', 0x00);
    }

    @Test
    void authIsAReservedTypeBefore50() {
        reject(connected(MqttVersion.V3_1_1), ReasonCode.MALFORMED_PACKET, 0xF0, 0x00);
        reject(DecoderHarness.client(MqttVersion.V3_1), ReasonCode.MALFORMED_PACKET, 0xF0, 0x00);
    }

    @Test
    void decoderKnowsTheVersionAfterConnect() {
        EmbeddedChannel ch = connected(MqttVersion.V5);
        MqttDecoder decoder = ch.pipeline().get(MqttDecoder.class);
        assertThat(decoder.version()).contains(MqttVersion.V5);
        assertThat(decoder.hasFailed()).isFalse();
        assertThatThrownBy(() -> decoder.version(MqttVersion.V3_1_1)).isInstanceOf(IllegalStateException.class);
        assertThat(MqttDecoder.forServer(100).version()).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void failedDecoderDiscardsEverything() {
        EmbeddedChannel ch = connected(MqttVersion.V3_1_1);
        MqttDecoder decoder = ch.pipeline().get(MqttDecoder.class);
        ByteBuf bad = buf(0x00, 0x00, 0xC0, 0x00); // reserved type, then a valid PINGREQ in the same read
        assertThatThrownBy(() -> ch.writeInbound(bad)).hasCauseInstanceOf(MalformedPacketException.class);
        assertThat(decoder.hasFailed()).isTrue();
        assertThat(DecoderHarness.next(ch)).isNull();
        ByteBuf later = buf(0xC0, 0x00);
        ch.writeInbound(later);
        assertThat(DecoderHarness.next(ch)).isNull();
        assertThat(bad.refCnt()).isZero();
        assertThat(later.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void rejectsSillyLimits() {
        assertThatThrownBy(() -> MqttDecoder.forServer(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MqttDecoder.forClient(null, 100)).isInstanceOf(IllegalArgumentException.class);
    }
}
