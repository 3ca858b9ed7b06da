package dev.magpie.cluster.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.magpie.cluster.link.ClusterLink;

/**
 * What the old owner of a client id tells the new owner once it has handed over every message it had not delivered
 * ({@link HandedOverMessage}, sent before this in the same inbox, so in order): the new owner's session lets the
 * deliveries it held meanwhile follow ({@code Session.endArrivalHold}). A {@link ClusterLink#CONTROL} message:
 *
 * <pre>
 * 0x7F        control message
 * 0x45 'E'    kind: hand-over ended
 * 2 bytes     length of the client id in UTF-8, big endian
 * n bytes     the client id
 * </pre>
 *
 * @param clientId the client whose hand-over ended
 */
record HandoverEnd(String clientId) {
    static final byte KIND = 'E';

    byte[] encode() {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        if (id.length > 65_535) {
            throw new IllegalArgumentException("client id longer than 65 535 bytes");
        }
        return ByteBuffer.allocate(4 + id.length).put(ClusterLink.CONTROL).put(KIND).putShort((short) id.length).put(id).array();
    }

    /** @throws IllegalArgumentException for bytes that are not a hand-over end */
    static HandoverEnd decode(byte[] bytes) {
        if (bytes.length < 4 || bytes[0] != ClusterLink.CONTROL || bytes[1] != KIND) {
            throw new IllegalArgumentException("not a hand-over end");
        }
        int length = Short.toUnsignedInt(ByteBuffer.wrap(bytes, 2, 2).getShort());
        if (4 + length != bytes.length) {
            throw new IllegalArgumentException("hand-over end of " + bytes.length + " bytes names a client id of " + length);
        }
        return new HandoverEnd(new String(bytes, 4, length, StandardCharsets.UTF_8));
    }
}
