package dev.magpie.codec;

import java.util.BitSet;

/**
 * Which MQTT 5.0 reason codes each packet type may carry (the table of section 2.4). A reason code
 * outside its packet's list can only come from a broken peer, so the decoder treats it as malformed.
 */
final class ReasonCodeRules {
    private static final BitSet[] ALLOWED = new BitSet[16];

    static {
        allow(PacketType.CONNACK, 0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90,
                0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F);
        allow(PacketType.PUBACK, 0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
        allow(PacketType.PUBREC, 0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
        allow(PacketType.PUBREL, 0x00, 0x92);
        allow(PacketType.PUBCOMP, 0x00, 0x92);
        allow(PacketType.SUBACK, 0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2);
        allow(PacketType.UNSUBACK, 0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91);
        allow(PacketType.DISCONNECT, 0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93,
                0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2);
        allow(PacketType.AUTH, 0x00, 0x18, 0x19);
    }

    private ReasonCodeRules() {
    }

    private static void allow(PacketType type, int... codes) {
        BitSet set = new BitSet(256);
        for (int c : codes) {
            set.set(c);
        }
        ALLOWED[type.code()] = set;
    }

    static boolean isAllowed(PacketType type, int reasonCode) {
        BitSet set = ALLOWED[type.code()];
        return set != null && reasonCode >= 0 && reasonCode < 256 && set.get(reasonCode);
    }

    /** Reads nothing; fails with MALFORMED_PACKET if {@code reasonCode} is not defined for {@code type}. */
    static int check(PacketType type, int reasonCode) {
        if (!isAllowed(type, reasonCode)) {
            throw WireReader.malformed(type + " carries reason code 0x" + Integer.toHexString(reasonCode)
                    + ", which is not defined for it (section 2.4)");
        }
        return reasonCode;
    }
}
