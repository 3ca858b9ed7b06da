package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.List;

/**
 * Writes the MQTT data representations and 5.0 property sections, and says how many bytes each takes.
 * The encoder sizes a packet first and then writes it into a buffer of exactly that size, so every
 * {@code write*} here has a {@code *Size} twin that must agree with it.
 */
final class WireWriter {
    private static final int MAX_TWO_BYTE_LENGTH = 65_535;
    /** {@code PropertyId.values()} copies the array on every call; properties are written in id order from this one. */
    private static final PropertyId[] IDS = PropertyId.values();

    private WireWriter() {
    }

    static void writeVarInt(ByteBuf buf, int value) {
        if (value < 0 || value > WireReader.MAX_VAR_INT) {
            throw new IllegalArgumentException("variable byte integer out of range: " + value);
        }
        do {
            int digit = value & 0x7F;
            value >>>= 7;
            buf.writeByte(value > 0 ? digit | 0x80 : digit);
        } while (value > 0);
    }

    /** Two-byte length plus UTF-8 bytes of {@code s}. */
    static int stringSize(String s) {
        int length = ByteBufUtil.utf8Bytes(s);
        if (length > MAX_TWO_BYTE_LENGTH) {
            throw new IllegalArgumentException("string of " + length + " UTF-8 bytes is longer than 65535: "
                    + s.substring(0, 32) + "...");
        }
        return 2 + length;
    }

    static void writeString(ByteBuf buf, String s) {
        int length = ByteBufUtil.utf8Bytes(s);
        buf.writeShort(length);
        // reserve exactly: writeUtf8 would ask for 3 bytes per char and overflow an exactly sized buffer
        ByteBufUtil.reserveAndWriteUtf8(buf, s, length);
    }

    static int binarySize(byte[] bytes) {
        if (bytes.length > MAX_TWO_BYTE_LENGTH) {
            throw new IllegalArgumentException("binary data of " + bytes.length + " bytes is longer than 65535");
        }
        return 2 + bytes.length;
    }

    static void writeBinary(ByteBuf buf, byte[] bytes) {
        buf.writeShort(bytes.length);
        buf.writeBytes(bytes);
    }

    /** Size of the property values alone, without the property length in front of them. */
    static int propertiesContentSize(MqttProperties properties) {
        if (properties == MqttProperties.EMPTY) {
            return 0;
        }
        int size = 0;
        for (PropertyId id : IDS) {
            switch (id) {
                case USER_PROPERTY -> {
                    for (UserProperty p : properties.userProperties()) {
                        size += 1 + stringSize(p.name()) + stringSize(p.value());
                    }
                }
                case SUBSCRIPTION_IDENTIFIER -> {
                    for (int v : properties.subscriptionIdentifiers()) {
                        size += 1 + WireReader.varIntSize(v);
                    }
                }
                default -> {
                    Object v = properties.rawValue(id.id());
                    if (v != null) {
                        size += 1 + valueSize(id, v);
                    }
                }
            }
        }
        return size;
    }

    /** Property length plus properties. */
    static int propertiesSize(MqttProperties properties) {
        int content = propertiesContentSize(properties);
        return WireReader.varIntSize(content) + content;
    }

    static void writeProperties(ByteBuf buf, MqttProperties properties) {
        writeVarInt(buf, propertiesContentSize(properties));
        if (properties == MqttProperties.EMPTY) {
            return;
        }
        for (PropertyId id : IDS) {
            switch (id) {
                case USER_PROPERTY -> writeUserProperties(buf, properties.userProperties());
                case SUBSCRIPTION_IDENTIFIER -> {
                    for (int v : properties.subscriptionIdentifiers()) {
                        buf.writeByte(id.id());
                        writeVarInt(buf, v);
                    }
                }
                default -> {
                    Object v = properties.rawValue(id.id());
                    if (v != null) {
                        buf.writeByte(id.id());
                        writeValue(buf, id, v);
                    }
                }
            }
        }
    }

    private static void writeUserProperties(ByteBuf buf, List<UserProperty> userProperties) {
        for (UserProperty p : userProperties) {
            buf.writeByte(PropertyId.USER_PROPERTY.id());
            writeString(buf, p.name());
            writeString(buf, p.value());
        }
    }

    private static int valueSize(PropertyId id, Object v) {
        return switch (id.type()) {
            case BYTE -> 1;
            case TWO_BYTE_INT -> 2;
            case FOUR_BYTE_INT -> 4;
            case VARIABLE_INT -> WireReader.varIntSize((Integer) v);
            case BINARY -> binarySize((byte[]) v);
            case UTF8_STRING -> stringSize((String) v);
            case UTF8_STRING_PAIR -> throw new IllegalStateException("user properties are kept in a list");
        };
    }

    private static void writeValue(ByteBuf buf, PropertyId id, Object v) {
        switch (id.type()) {
            case BYTE -> buf.writeByte((Integer) v);
            case TWO_BYTE_INT -> buf.writeShort((Integer) v);
            case FOUR_BYTE_INT -> buf.writeInt((Integer) v);
            case VARIABLE_INT -> writeVarInt(buf, (Integer) v);
            case BINARY -> writeBinary(buf, (byte[]) v);
            case UTF8_STRING -> writeString(buf, (String) v);
            case UTF8_STRING_PAIR -> throw new IllegalStateException("user properties are kept in a list");
        }
    }
}
