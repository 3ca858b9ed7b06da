package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes any {@link MqttPacket}, in either direction, for a given protocol version. Each packet is
 * sized first and then written into one buffer of exactly that size, so there is no growing and no
 * copying; {@link #encodedSize} gives the same number without writing (the protocol layer compares it
 * with the client's Maximum Packet Size).
 *
 * <p>Versions: 3.1 and 3.1.1 have no properties and almost no reason codes, so those fields are left
 * out (CONNACK maps its code with {@link ReasonCode#toV3ConnackCode}, SUBACK writes any failure as
 * 0x80, UNSUBACK carries only the packet id). In 5.0 the PUB* responses, DISCONNECT and AUTH use their
 * short forms when the reason is success and there are no properties [MQTT-3.4.2-1]. A CONNECT is always
 * written in the version it names.
 *
 * <p>The encoder trusts the records: it writes what it is given (a test client may well want to send a
 * packet id 0) and only refuses what cannot be represented, such as a string over 65535 bytes.
 * Stateless and thread-safe.
 */
public final class MqttEncoder {
    private MqttEncoder() {
    }

    /** Encodes {@code packet}; the caller owns the returned buffer. */
    public static ByteBuf encode(ByteBufAllocator alloc, MqttPacket packet, MqttVersion version) {
        MqttVersion v = packet instanceof Connect c ? c.version() : version;
        int remaining = remainingLength(packet, v);
        int total = 1 + WireReader.varIntSize(remaining) + remaining;
        ByteBuf buf = alloc.buffer(total, total);
        try {
            buf.writeByte(firstByte(packet));
            WireWriter.writeVarInt(buf, remaining);
            writeBody(buf, packet, v);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        return buf;
    }

    /** The number of bytes {@link #encode} would produce, fixed header included. */
    public static int encodedSize(MqttPacket packet, MqttVersion version) {
        MqttVersion v = packet instanceof Connect c ? c.version() : version;
        int remaining = remainingLength(packet, v);
        return 1 + WireReader.varIntSize(remaining) + remaining;
    }

    static int firstByte(MqttPacket packet) {
        int flags = switch (packet.type()) {
            case PUBLISH -> {
                Publish p = (Publish) packet;
                yield (p.dup() ? 0x08 : 0) | (p.qos() << 1) | (p.retain() ? 0x01 : 0);
            }
            case PUBREL, SUBSCRIBE, UNSUBSCRIBE -> 0x02;
            default -> 0;
        };
        return packet.type().code() << 4 | flags;
    }

    private static int remainingLength(MqttPacket packet, MqttVersion v) {
        boolean v5 = v.isV5();
        int size = switch (packet.type()) {
            case CONNECT -> connectSize((Connect) packet, v);
            case CONNACK -> 2 + (v5 ? WireWriter.propertiesSize(((ConnAck) packet).properties()) : 0);
            case PUBLISH -> {
                Publish p = (Publish) packet;
                yield WireWriter.stringSize(p.topic()) + (p.qos() > 0 ? 2 : 0)
                        + (v5 ? WireWriter.propertiesSize(p.properties()) : 0) + p.payload().length;
            }
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> {
                PubResponse r = (PubResponse) packet;
                yield 2 + (v5 ? reasonAndPropertiesSize(r.reasonCode(), r.properties()) : 0);
            }
            case SUBSCRIBE -> {
                Subscribe s = (Subscribe) packet;
                int n = 2 + (v5 ? WireWriter.propertiesSize(s.properties()) : 0);
                for (Subscribe.Subscription sub : s.subscriptions()) {
                    n += WireWriter.stringSize(sub.filter()) + 1;
                }
                yield n;
            }
            case SUBACK -> {
                SubAck a = (SubAck) packet;
                yield 2 + (v5 ? WireWriter.propertiesSize(a.properties()) : 0) + a.reasonCodes().size();
            }
            case UNSUBSCRIBE -> {
                Unsubscribe u = (Unsubscribe) packet;
                int n = 2 + (v5 ? WireWriter.propertiesSize(u.properties()) : 0);
                for (String filter : u.filters()) {
                    n += WireWriter.stringSize(filter);
                }
                yield n;
            }
            case UNSUBACK -> {
                UnsubAck a = (UnsubAck) packet;
                yield 2 + (v5 ? WireWriter.propertiesSize(a.properties()) + a.reasonCodes().size() : 0);
            }
            case PINGREQ, PINGRESP -> 0;
            case DISCONNECT -> {
                Disconnect d = (Disconnect) packet;
                yield v5 ? reasonAndPropertiesSize(d.reasonCode(), d.properties()) : 0;
            }
            case AUTH -> {
                requireV5(packet, v);
                Auth a = (Auth) packet;
                yield reasonAndPropertiesSize(a.reasonCode(), a.properties());
            }
        };
        if (size > WireReader.MAX_VAR_INT) {
            throw new IllegalArgumentException(packet.type() + " of " + size + " bytes exceeds the MQTT limit of 268435455");
        }
        return size;
    }

    /** The 5.0 short forms: nothing for success without properties, one byte for a bare reason code. */
    private static int reasonAndPropertiesSize(int reasonCode, MqttProperties properties) {
        if (properties.isEmpty()) {
            return reasonCode == ReasonCode.SUCCESS ? 0 : 1;
        }
        return 1 + WireWriter.propertiesSize(properties);
    }

    private static void writeReasonAndProperties(ByteBuf buf, int reasonCode, MqttProperties properties) {
        if (properties.isEmpty()) {
            if (reasonCode != ReasonCode.SUCCESS) {
                buf.writeByte(reasonCode);
            }
            return;
        }
        buf.writeByte(reasonCode);
        WireWriter.writeProperties(buf, properties);
    }

    private static int connectSize(Connect c, MqttVersion v) {
        int n = WireWriter.stringSize(v.protocolName()) + 1 + 1 + 2;
        if (v.isV5()) {
            n += WireWriter.propertiesSize(c.properties());
        }
        n += WireWriter.stringSize(c.clientId());
        Connect.Will will = c.will();
        if (will != null) {
            n += (v.isV5() ? WireWriter.propertiesSize(will.properties()) : 0) + WireWriter.stringSize(will.topic())
                    + WireWriter.binarySize(will.payload());
        }
        if (c.username() != null) {
            n += WireWriter.stringSize(c.username());
        }
        if (c.password() != null) {
            n += WireWriter.binarySize(c.password());
        }
        return n;
    }

    private static void writeBody(ByteBuf buf, MqttPacket packet, MqttVersion v) {
        switch (packet.type()) {
            case CONNECT -> writeConnect(buf, (Connect) packet, v);
            case CONNACK -> writeConnAck(buf, (ConnAck) packet, v);
            case PUBLISH -> writePublish(buf, (Publish) packet, v);
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> {
                PubResponse r = (PubResponse) packet;
                buf.writeShort(r.packetId());
                if (v.isV5()) {
                    writeReasonAndProperties(buf, r.reasonCode(), r.properties());
                }
            }
            case SUBSCRIBE -> writeSubscribe(buf, (Subscribe) packet, v);
            case SUBACK -> writeSubAck(buf, (SubAck) packet, v);
            case UNSUBSCRIBE -> {
                Unsubscribe u = (Unsubscribe) packet;
                buf.writeShort(u.packetId());
                if (v.isV5()) {
                    WireWriter.writeProperties(buf, u.properties());
                }
                for (String filter : u.filters()) {
                    WireWriter.writeString(buf, filter);
                }
            }
            case UNSUBACK -> {
                UnsubAck a = (UnsubAck) packet;
                buf.writeShort(a.packetId());
                if (v.isV5()) {
                    WireWriter.writeProperties(buf, a.properties());
                    for (int code : a.reasonCodes()) {
                        buf.writeByte(code);
                    }
                }
            }
            case PINGREQ, PINGRESP -> {
            }
            case DISCONNECT -> {
                Disconnect d = (Disconnect) packet;
                if (v.isV5()) {
                    writeReasonAndProperties(buf, d.reasonCode(), d.properties());
                }
            }
            case AUTH -> {
                Auth a = (Auth) packet;
                writeReasonAndProperties(buf, a.reasonCode(), a.properties());
            }
        }
    }

    private static void writeConnAck(ByteBuf buf, ConnAck a, MqttVersion v) {
        // 3.1 had no Session Present flag; the byte was reserved
        buf.writeByte(a.sessionPresent() && v != MqttVersion.V3_1 ? 0x01 : 0x00);
        if (v.isV5()) {
            buf.writeByte(a.reasonCode());
            WireWriter.writeProperties(buf, a.properties());
        } else {
            buf.writeByte(ReasonCode.toV3ConnackCode(a.reasonCode()));
        }
    }

    private static void writePublish(ByteBuf buf, Publish p, MqttVersion v) {
        WireWriter.writeString(buf, p.topic());
        if (p.qos() > 0) {
            buf.writeShort(p.packetId());
        }
        if (v.isV5()) {
            WireWriter.writeProperties(buf, p.properties());
        }
        buf.writeBytes(p.payload());
    }

    private static void writeSubscribe(ByteBuf buf, Subscribe s, MqttVersion v) {
        buf.writeShort(s.packetId());
        if (v.isV5()) {
            WireWriter.writeProperties(buf, s.properties());
        }
        for (Subscribe.Subscription sub : s.subscriptions()) {
            WireWriter.writeString(buf, sub.filter());
            buf.writeByte(v.isV5() ? sub.qos() | (sub.noLocal() ? 0x04 : 0) | (sub.retainAsPublished() ? 0x08 : 0)
                    | sub.retainHandling() << 4 : sub.qos());
        }
    }

    private static void writeSubAck(ByteBuf buf, SubAck a, MqttVersion v) {
        buf.writeShort(a.packetId());
        if (v.isV5()) {
            WireWriter.writeProperties(buf, a.properties());
        }
        for (int code : a.reasonCodes()) {
            // 3.1.1 knows one failure code [MQTT-3.9.3-2]
            buf.writeByte(v.isV5() || !ReasonCode.isFailure(code) ? code : ReasonCode.V3_SUBACK_FAILURE);
        }
    }

    private static void writeConnect(ByteBuf buf, Connect c, MqttVersion v) {
        WireWriter.writeString(buf, v.protocolName());
        buf.writeByte(v.level());
        Connect.Will will = c.will();
        int flags = (c.cleanStart() ? 0x02 : 0)
                | (will != null ? 0x04 | will.qos() << 3 | (will.retain() ? 0x20 : 0) : 0)
                | (c.password() != null ? 0x40 : 0)
                | (c.username() != null ? 0x80 : 0);
        buf.writeByte(flags);
        buf.writeShort(c.keepAliveSeconds());
        if (v.isV5()) {
            WireWriter.writeProperties(buf, c.properties());
        }
        WireWriter.writeString(buf, c.clientId());
        if (will != null) {
            if (v.isV5()) {
                WireWriter.writeProperties(buf, will.properties());
            }
            WireWriter.writeString(buf, will.topic());
            WireWriter.writeBinary(buf, will.payload());
        }
        if (c.username() != null) {
            WireWriter.writeString(buf, c.username());
        }
        if (c.password() != null) {
            WireWriter.writeBinary(buf, c.password());
        }
    }

    private static void requireV5(MqttPacket packet, MqttVersion v) {
        if (!v.isV5()) {
            throw new IllegalArgumentException(packet.type() + " exists only in MQTT 5.0, not in " + v);
        }
    }
}
