package dev.magpie.codec;

import io.netty.buffer.ByteBuf;

/**
 * Reads the MQTT 5.0 property section of a packet and enforces the rules the spec puts on it: which
 * property may appear in which packet (the table of section 2.2.2.2), that single-valued properties
 * appear once, and the value ranges whose violation the spec calls a Protocol Error.
 *
 * <p>The "context" of a property section is the packet type code, or {@link #WILL} for the Will
 * Properties inside a CONNECT; each property id maps to a bit mask of the contexts it may appear in.
 * An identifier that is unknown, or known but not valid for the packet type, makes a Malformed Packet
 * (0x81, section 2.2.2.2); a property repeated or out of its range is a Protocol Error (0x82).
 */
final class PropertiesReader {
    /** Context of the Will Properties in a CONNECT; packet type code 0 is reserved, so it is free. */
    static final int WILL = 0;

    private static final int[] ALLOWED = new int[PropertyId.MAX_ID + 1];

    static {
        int publish = PacketType.PUBLISH.code();
        allow(PropertyId.PAYLOAD_FORMAT_INDICATOR, publish, WILL);
        allow(PropertyId.MESSAGE_EXPIRY_INTERVAL, publish, WILL);
        allow(PropertyId.CONTENT_TYPE, publish, WILL);
        allow(PropertyId.RESPONSE_TOPIC, publish, WILL);
        allow(PropertyId.CORRELATION_DATA, publish, WILL);
        allow(PropertyId.SUBSCRIPTION_IDENTIFIER, publish, PacketType.SUBSCRIBE.code());
        allow(PropertyId.SESSION_EXPIRY_INTERVAL, PacketType.CONNECT.code(), PacketType.CONNACK.code(), PacketType.DISCONNECT.code());
        allow(PropertyId.ASSIGNED_CLIENT_IDENTIFIER, PacketType.CONNACK.code());
        allow(PropertyId.SERVER_KEEP_ALIVE, PacketType.CONNACK.code());
        allow(PropertyId.AUTHENTICATION_METHOD, PacketType.CONNECT.code(), PacketType.CONNACK.code(), PacketType.AUTH.code());
        allow(PropertyId.AUTHENTICATION_DATA, PacketType.CONNECT.code(), PacketType.CONNACK.code(), PacketType.AUTH.code());
        allow(PropertyId.REQUEST_PROBLEM_INFORMATION, PacketType.CONNECT.code());
        allow(PropertyId.WILL_DELAY_INTERVAL, WILL);
        allow(PropertyId.REQUEST_RESPONSE_INFORMATION, PacketType.CONNECT.code());
        allow(PropertyId.RESPONSE_INFORMATION, PacketType.CONNACK.code());
        allow(PropertyId.SERVER_REFERENCE, PacketType.CONNACK.code(), PacketType.DISCONNECT.code());
        allow(PropertyId.REASON_STRING, PacketType.CONNACK.code(), PacketType.PUBACK.code(), PacketType.PUBREC.code(),
                PacketType.PUBREL.code(), PacketType.PUBCOMP.code(), PacketType.SUBACK.code(), PacketType.UNSUBACK.code(),
                PacketType.DISCONNECT.code(), PacketType.AUTH.code());
        allow(PropertyId.RECEIVE_MAXIMUM, PacketType.CONNECT.code(), PacketType.CONNACK.code());
        allow(PropertyId.TOPIC_ALIAS_MAXIMUM, PacketType.CONNECT.code(), PacketType.CONNACK.code());
        allow(PropertyId.TOPIC_ALIAS, publish);
        allow(PropertyId.MAXIMUM_QOS, PacketType.CONNACK.code());
        allow(PropertyId.RETAIN_AVAILABLE, PacketType.CONNACK.code());
        allow(PropertyId.MAXIMUM_PACKET_SIZE, PacketType.CONNECT.code(), PacketType.CONNACK.code());
        allow(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, PacketType.CONNACK.code());
        allow(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE, PacketType.CONNACK.code());
        allow(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE, PacketType.CONNACK.code());
        ALLOWED[PropertyId.USER_PROPERTY.id()] = 0xFFFF; // every packet with properties, and the Will
    }

    private PropertiesReader() {
    }

    private static void allow(PropertyId id, int... contexts) {
        for (int c : contexts) {
            ALLOWED[id.id()] |= 1 << c;
        }
    }

    /** True if the spec allows {@code id} in the given context (used by tests and generators). */
    static boolean isAllowed(PropertyId id, int context) {
        return (ALLOWED[id.id()] & (1 << context)) != 0;
    }

    /**
     * Reads a property length and the properties it covers.
     *
     * @param context    a packet type code or {@link #WILL}
     * @param fromServer true when the packet travels server to client (some properties are one-way)
     */
    static MqttProperties read(ByteBuf body, int context, boolean fromServer) {
        String where = context == WILL ? "Will properties" : PacketType.ofCode(context) + " properties";
        int length = WireReader.readVarInt(body, where + " length");
        if (length > body.readableBytes()) {
            throw WireReader.malformed(where + " length " + length + " is more than the " + body.readableBytes()
                    + " bytes left in the packet");
        }
        if (length == 0) {
            return MqttProperties.EMPTY;
        }
        ByteBuf section = body.readSlice(length);
        MqttProperties.Builder builder = MqttProperties.builder();
        boolean subscriptionIdSeen = false;
        while (section.isReadable()) {
            int code = WireReader.readVarInt(section, where + " identifier");
            PropertyId id = PropertyId.ofId(code);
            if (id == null) {
                throw WireReader.malformed(where + " contain the unknown property identifier 0x" + Integer.toHexString(code));
            }
            if (!isAllowed(id, context)) {
                // "an Identifier which is not valid for its packet type" is a Malformed Packet (section 2.2.2.2)
                throw WireReader.malformed(id + " is not allowed in " + where + " (table of section 2.2.2.2)");
            }
            switch (id.type()) {
                case BYTE -> setInteger(builder, id, WireReader.readByte(section, id.name()), where);
                case TWO_BYTE_INT -> setInteger(builder, id, WireReader.readShort(section, id.name()), where);
                case FOUR_BYTE_INT -> setInteger(builder, id, WireReader.readInt(section, id.name()), where);
                case VARIABLE_INT -> {
                    int value = WireReader.readVarInt(section, id.name());
                    // only SUBSCRIPTION_IDENTIFIER has this type
                    if (value == 0) {
                        throw protocolError("Subscription Identifier 0 in " + where + "; it must be 1 to 268435455");
                    }
                    if (context == PacketType.SUBSCRIBE.code() && subscriptionIdSeen) {
                        throw protocolError("SUBSCRIBE carries more than one Subscription Identifier");
                    }
                    if (context == PacketType.PUBLISH.code() && !fromServer) {
                        throw protocolError("a PUBLISH from a client must not carry a Subscription Identifier [MQTT-3.3.4-6]");
                    }
                    subscriptionIdSeen = true;
                    builder.integer(id, value);
                }
                case BINARY -> {
                    byte[] value = WireReader.readBinary(section, id.name());
                    requireFirst(builder, id, where);
                    builder.binary(id, value);
                }
                case UTF8_STRING -> {
                    String value = WireReader.readString(section, id.name());
                    requireFirst(builder, id, where);
                    if (id == PropertyId.RESPONSE_TOPIC && !TopicSyntax.isValidTopicName(value)) {
                        throw protocolError("Response Topic '" + value + "' is not a valid topic name [MQTT-3.3.2-14]");
                    }
                    builder.string(id, value);
                }
                case UTF8_STRING_PAIR -> builder.userProperty(WireReader.readString(section, "User Property name"),
                        WireReader.readString(section, "User Property value"));
            }
        }
        if (builder.isSet(PropertyId.AUTHENTICATION_DATA) && !builder.isSet(PropertyId.AUTHENTICATION_METHOD)) {
            throw protocolError(where + " carry Authentication Data without an Authentication Method");
        }
        if (context == PacketType.DISCONNECT.code() && fromServer && builder.isSet(PropertyId.SESSION_EXPIRY_INTERVAL)) {
            throw protocolError("a DISCONNECT from the server must not carry a Session Expiry Interval [MQTT-3.14.2-2]");
        }
        return builder.build();
    }

    private static void setInteger(MqttProperties.Builder builder, PropertyId id, int value, String where) {
        requireFirst(builder, id, where);
        switch (id) {
            case PAYLOAD_FORMAT_INDICATOR, REQUEST_PROBLEM_INFORMATION, REQUEST_RESPONSE_INFORMATION, MAXIMUM_QOS,
                    RETAIN_AVAILABLE, WILDCARD_SUBSCRIPTION_AVAILABLE, SUBSCRIPTION_IDENTIFIER_AVAILABLE,
                    SHARED_SUBSCRIPTION_AVAILABLE -> {
                if (value > 1) {
                    throw protocolError(id + " is " + value + " in " + where + "; only 0 or 1 is allowed");
                }
            }
            case RECEIVE_MAXIMUM, MAXIMUM_PACKET_SIZE -> {
                if (value == 0) {
                    throw protocolError(id + " is 0 in " + where + "; it must be at least 1");
                }
            }
            case TOPIC_ALIAS -> {
                if (value == 0) {
                    throw new MalformedPacketException(ReasonCode.TOPIC_ALIAS_INVALID,
                            "Topic Alias 0 is not permitted [MQTT-3.3.2-8]");
                }
            }
            default -> {
            }
        }
        builder.integer(id, value);
    }

    private static void requireFirst(MqttProperties.Builder builder, PropertyId id, String where) {
        if (builder.isSet(id)) {
            throw protocolError(where + " include " + id + " more than once (section 2.2.2.2)");
        }
    }

    private static MalformedPacketException protocolError(String message) {
        return new MalformedPacketException(ReasonCode.PROTOCOL_ERROR, message);
    }
}
