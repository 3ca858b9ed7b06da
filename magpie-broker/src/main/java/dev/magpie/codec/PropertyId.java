package dev.magpie.codec;

/**
 * MQTT 5.0 property identifiers (section 2.2.2.2) with their wire type. The decoder uses the type to
 * parse and the packet it is found in to reject properties that are not allowed there.
 */
public enum PropertyId {
    PAYLOAD_FORMAT_INDICATOR(0x01, Type.BYTE),
    MESSAGE_EXPIRY_INTERVAL(0x02, Type.FOUR_BYTE_INT),
    CONTENT_TYPE(0x03, Type.UTF8_STRING),
    RESPONSE_TOPIC(0x08, Type.UTF8_STRING),
    CORRELATION_DATA(0x09, Type.BINARY),
    SUBSCRIPTION_IDENTIFIER(0x0B, Type.VARIABLE_INT),
    SESSION_EXPIRY_INTERVAL(0x11, Type.FOUR_BYTE_INT),
    ASSIGNED_CLIENT_IDENTIFIER(0x12, Type.UTF8_STRING),
    SERVER_KEEP_ALIVE(0x13, Type.TWO_BYTE_INT),
    AUTHENTICATION_METHOD(0x15, Type.UTF8_STRING),
    AUTHENTICATION_DATA(0x16, Type.BINARY),
    REQUEST_PROBLEM_INFORMATION(0x17, Type.BYTE),
    WILL_DELAY_INTERVAL(0x18, Type.FOUR_BYTE_INT),
    REQUEST_RESPONSE_INFORMATION(0x19, Type.BYTE),
    RESPONSE_INFORMATION(0x1A, Type.UTF8_STRING),
    SERVER_REFERENCE(0x1C, Type.UTF8_STRING),
    REASON_STRING(0x1F, Type.UTF8_STRING),
    RECEIVE_MAXIMUM(0x21, Type.TWO_BYTE_INT),
    TOPIC_ALIAS_MAXIMUM(0x22, Type.TWO_BYTE_INT),
    TOPIC_ALIAS(0x23, Type.TWO_BYTE_INT),
    MAXIMUM_QOS(0x24, Type.BYTE),
    RETAIN_AVAILABLE(0x25, Type.BYTE),
    USER_PROPERTY(0x26, Type.UTF8_STRING_PAIR),
    MAXIMUM_PACKET_SIZE(0x27, Type.FOUR_BYTE_INT),
    WILDCARD_SUBSCRIPTION_AVAILABLE(0x28, Type.BYTE),
    SUBSCRIPTION_IDENTIFIER_AVAILABLE(0x29, Type.BYTE),
    SHARED_SUBSCRIPTION_AVAILABLE(0x2A, Type.BYTE);

    /** Wire encodings of property values [MQTT-2.2.2.2]. */
    public enum Type { BYTE, TWO_BYTE_INT, FOUR_BYTE_INT, VARIABLE_INT, BINARY, UTF8_STRING, UTF8_STRING_PAIR }

    static final int MAX_ID = 0x2A;
    private static final PropertyId[] BY_ID = new PropertyId[MAX_ID + 1];

    static {
        for (PropertyId p : values()) {
            BY_ID[p.id] = p;
        }
    }

    private final int id;
    private final Type type;

    PropertyId(int id, Type type) {
        this.id = id;
        this.type = type;
    }

    public int id() {
        return id;
    }

    public Type type() {
        return type;
    }

    /** Returns the property for an identifier, or {@code null} if the identifier is unknown. */
    public static PropertyId ofId(int id) {
        return id >= 0 && id <= MAX_ID ? BY_ID[id] : null;
    }
}
