package dev.magpie.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Reads the MQTT data representations (section 1.5) from the body of one packet. The body is always a
 * slice of exactly the remaining length, so "not enough bytes" is simply {@code readableBytes()} and a
 * length field can never make us read into the next packet or allocate more than the packet holds:
 * every length is compared with what is readable before anything is allocated.
 *
 * <p>Strings are checked by hand rather than with {@code new String(bytes, UTF_8)}, which would replace
 * bad input silently: we reject malformed and overlong sequences, surrogates, code points above U+10FFFF
 * [MQTT-1.5.4-1] and U+0000 [MQTT-1.5.4-2]. ASCII, the common case for topics and ids, takes a fast path.
 */
final class WireReader {
    /** Largest value of a Variable Byte Integer [MQTT-1.5.5]. */
    static final int MAX_VAR_INT = 268_435_455;

    private WireReader() {
    }

    static int readByte(ByteBuf body, String field) {
        need(body, 1, field);
        return body.readUnsignedByte();
    }

    static int readShort(ByteBuf body, String field) {
        need(body, 2, field);
        return body.readUnsignedShort();
    }

    static int readInt(ByteBuf body, String field) {
        need(body, 4, field);
        return body.readInt();
    }

    /** A non-zero Packet Identifier [MQTT-2.2.1-3]. */
    static int readPacketId(ByteBuf body, PacketType type) {
        int id = readShort(body, type + " packet identifier");
        if (id == 0) {
            throw new MalformedPacketException(ReasonCode.PROTOCOL_ERROR,
                    type + " has packet identifier 0; it must be non-zero [MQTT-2.2.1-3]");
        }
        return id;
    }

    /** A Variable Byte Integer of at most four bytes in its shortest form [MQTT-1.5.5-1]. */
    static int readVarInt(ByteBuf body, String field) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            need(body, 1, field);
            int b = body.readUnsignedByte();
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw malformed(field + " is not encoded in the minimum number of bytes [MQTT-1.5.5-1]");
                }
                return value;
            }
        }
        throw malformed(field + " is a variable byte integer longer than 4 bytes [MQTT-1.5.5]");
    }

    /** Number of bytes the Variable Byte Integer {@code value} takes on the wire. */
    static int varIntSize(int value) {
        if (value < 128) {
            return 1;
        }
        if (value < 16_384) {
            return 2;
        }
        return value < 2_097_152 ? 3 : 4;
    }

    static byte[] readBinary(ByteBuf body, String field) {
        int length = readShort(body, field + " length");
        need(body, length, field);
        byte[] bytes = new byte[length];
        body.readBytes(bytes);
        return bytes;
    }

    /** A UTF-8 Encoded String: two-byte length, then strictly checked UTF-8. */
    static String readString(ByteBuf body, String field) {
        int length = readShort(body, field + " length");
        need(body, length, field);
        int start = body.readerIndex();
        String value = decodeUtf8(body, start, length, field);
        body.skipBytes(length);
        return value;
    }

    /** Fails unless the body has been read to its end; trailing bytes mean the packet is malformed. */
    static void requireEnd(ByteBuf body, PacketType type) {
        if (body.isReadable()) {
            throw malformed(type + " has " + body.readableBytes() + " unexpected bytes after its last field");
        }
    }

    static void need(ByteBuf body, int bytes, String field) {
        if (body.readableBytes() < bytes) {
            throw malformed(field + " needs " + bytes + " bytes but the packet has only " + body.readableBytes() + " left");
        }
    }

    static MalformedPacketException malformed(String message) {
        return new MalformedPacketException(ReasonCode.MALFORMED_PACKET, message);
    }

    static String decodeUtf8(ByteBuf buf, int start, int length, String field) {
        int end = start + length;
        int i = start;
        while (i < end) {
            byte b = buf.getByte(i);
            if (b == 0) {
                throw malformed(field + " contains U+0000 [MQTT-1.5.4-2]");
            }
            if (b < 0) {
                break;
            }
            i++;
        }
        if (i == end) {
            return buf.toString(start, length, StandardCharsets.US_ASCII);
        }
        while (i < end) {
            i = checkSequence(buf, i, end, field);
        }
        return buf.toString(start, length, StandardCharsets.UTF_8);
    }

    /**
     * Checks one sequence starting at {@code i} against the well-formed byte sequences of Unicode
     * (Table 3-7), which excludes overlong forms, surrogates and anything above U+10FFFF; returns the
     * index after it.
     */
    private static int checkSequence(ByteBuf buf, int i, int end, String field) {
        int b0 = buf.getByte(i) & 0xFF;
        if (b0 < 0x80) {
            if (b0 == 0) {
                throw malformed(field + " contains U+0000 [MQTT-1.5.4-2]");
            }
            return i + 1;
        }
        int extra;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            extra = 1;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            extra = 2;
            if (b0 == 0xE0) {
                lo = 0xA0; // below is overlong
            } else if (b0 == 0xED) {
                hi = 0x9F; // above are the surrogates U+D800..U+DFFF
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            extra = 3;
            if (b0 == 0xF0) {
                lo = 0x90; // below is overlong
            } else if (b0 == 0xF4) {
                hi = 0x8F; // above is beyond U+10FFFF
            }
        } else {
            throw malformed(field + " is not well-formed UTF-8: byte 0x" + Integer.toHexString(b0) + " cannot start a character [MQTT-1.5.4-1]");
        }
        if (i + extra >= end) {
            throw malformed(field + " is not well-formed UTF-8: a character is cut off [MQTT-1.5.4-1]");
        }
        for (int k = 1; k <= extra; k++) {
            int b = buf.getByte(i + k) & 0xFF;
            int min = k == 1 ? lo : 0x80;
            int max = k == 1 ? hi : 0xBF;
            if (b < min || b > max) {
                throw malformed(field + " is not well-formed UTF-8 (overlong, surrogate or invalid continuation byte) [MQTT-1.5.4-1]");
            }
        }
        return i + extra + 1;
    }
}
