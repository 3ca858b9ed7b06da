package dev.magpie.codec;

/** MQTT control packet types with their fixed-header code (bits 7-4 of byte 1). */
public enum PacketType {
    CONNECT(1), CONNACK(2), PUBLISH(3), PUBACK(4), PUBREC(5), PUBREL(6), PUBCOMP(7),
    SUBSCRIBE(8), SUBACK(9), UNSUBSCRIBE(10), UNSUBACK(11), PINGREQ(12), PINGRESP(13), DISCONNECT(14), AUTH(15);

    private static final PacketType[] BY_CODE = new PacketType[16];

    static {
        for (PacketType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    PacketType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Returns the type for a code, or {@code null} for the reserved code 0. */
    public static PacketType ofCode(int code) {
        return code >= 0 && code < 16 ? BY_CODE[code] : null;
    }
}
