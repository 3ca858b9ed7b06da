package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Strict UTF-8 [MQTT-1.5.4-1], [MQTT-1.5.4-2] and Variable Byte Integers [MQTT-1.5.5-1]. */
class WireReaderTest {

    private static String readString(byte[] utf8) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeShort(utf8.length).writeBytes(utf8);
        try {
            String s = WireReader.readString(buf, "test string");
            assertThat(buf.isReadable()).isFalse();
            return s;
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "caf\u00e9", "\u20ac", "\ud83d\ude00", "\uffff", "\ud7ff", "\ue000", "\udbff\udfff", "\u0001\u007f"})
    void acceptsWellFormedUtf8(String s) {
        assertThat(readString(s.getBytes(StandardCharsets.UTF_8))).isEqualTo(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "00",           // U+0000 [MQTT-1.5.4-2]
            "6100",         // 'a' U+0000
            "c3a900",       // U+00E9 then U+0000
            "c0af",         // overlong '/'
            "c180",         // overlong
            "e080af",       // overlong three-byte
            "f08080af",     // overlong four-byte
            "eda080",       // U+D800 high surrogate [MQTT-1.5.4-1]
            "edbfbf",       // U+DFFF low surrogate
            "eda0bdedb880", // CESU-8 surrogate pair
            "f4908080",     // U+110000, beyond Unicode
            "f5808080",     // invalid lead byte
            "ff",           // invalid byte
            "80",           // lone continuation
            "c3",           // cut off
            "e282",         // cut off three-byte
            "c328",         // bad continuation
            "e228a1",       // bad continuation
    })
    void rejectsMalformedUtf8(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertThatThrownBy(() -> readString(bytes))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET));
    }

    @Test
    void stringLengthBeyondThePacketIsMalformed() {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {0x00, 0x05, 'a', 'b'});
        assertThatThrownBy(() -> WireReader.readString(buf, "topic")).isInstanceOf(MalformedPacketException.class);
        buf.release();
    }

    @Test
    void varIntBoundaries() {
        assertThat(readVarInt("00")).isEqualTo(0);
        assertThat(readVarInt("7f")).isEqualTo(127);
        assertThat(readVarInt("8001")).isEqualTo(128);
        assertThat(readVarInt("ff7f")).isEqualTo(16_383);
        assertThat(readVarInt("808001")).isEqualTo(16_384);
        assertThat(readVarInt("ffff7f")).isEqualTo(2_097_151);
        assertThat(readVarInt("80808001")).isEqualTo(2_097_152);
        assertThat(readVarInt("ffffff7f")).isEqualTo(268_435_455);
        for (int v : new int[] {0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455}) {
            ByteBuf buf = Unpooled.buffer();
            WireWriter.writeVarInt(buf, v);
            assertThat(buf.readableBytes()).isEqualTo(WireReader.varIntSize(v));
            assertThat(WireReader.readVarInt(buf, "v")).isEqualTo(v);
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffffffff01", "8080808000", "8000", "808000", "80", "ff"})
    void rejectsTooLongNonMinimalOrCutOffVarInts_MQTT_1_5_5_1(String hex) {
        assertThatThrownBy(() -> readVarInt(hex)).isInstanceOf(MalformedPacketException.class);
    }

    private static int readVarInt(String hex) {
        ByteBuf buf = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
        try {
            return WireReader.readVarInt(buf, "varint");
        } finally {
            buf.release();
        }
    }
}
