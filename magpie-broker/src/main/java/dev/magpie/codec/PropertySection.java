package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The property section of a PUBLISH as bytes outside a packet: how the store keeps a message's MQTT 5.0
 * properties. The wire format is reused on purpose: it is exact, compact, already validated, and a property a
 * later Magpie knows needs no new column.
 */
public final class PropertySection {

    private PropertySection() {
    }

    /** The property length and properties, exactly as in a PUBLISH ({@code {0}} when empty). */
    public static byte[] encode(MqttProperties properties) {
        ByteBuf buf = Unpooled.buffer(WireWriter.propertiesSize(properties));
        try {
            WireWriter.writeProperties(buf, properties);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /**
     * Reads what {@link #encode} wrote, with the rules of a PUBLISH the server sends.
     *
     * @throws MalformedPacketException if the bytes are not a valid PUBLISH property section
     */
    public static MqttProperties decodePublish(byte[] bytes) {
        if (bytes.length == 0 || (bytes.length == 1 && bytes[0] == 0)) {
            return MqttProperties.EMPTY;
        }
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return PropertiesReader.read(buf, PacketType.PUBLISH.code(), true);
        } finally {
            buf.release();
        }
    }
}
