package dev.magpie.cluster.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.magpie.cluster.link.ClusterLink;

/**
 * What the node that claimed a client id tells the node that owned it before: "{@code clientId} is mine at
 * {@code epoch}", so the old owner closes its connection with 0x8E and drops its copy of the session. Travels in the
 * old owner's inbox (at least once, deduplicated), as a {@link ClusterLink#CONTROL} message:
 *
 * <pre>
 * 0x7F        control message
 * 0x54 'T'    kind: takeover
 * 1 byte      flags: 0x01 the new owner resumed the session (so it goes on; otherwise it ended with the takeover)
 * 8 bytes     epoch, big endian
 * 2 bytes     length of the client id in UTF-8, big endian
 * n bytes     the client id
 * </pre>
 *
 * @param clientId the client id taken over
 * @param epoch    the new owner's epoch; the old owner drops its copy only when its own epoch is lower
 * @param resumed  the new owner resumed the session: the old owner treats its client's will as in a takeover of a
 *                 session that goes on (spec 3.1.2.5), not one that ends
 */
record TakeoverNotice(String clientId, long epoch, boolean resumed) {
    static final byte KIND = 'T';
    /** Client ids are MQTT strings: at most 65 535 bytes. */
    private static final int MAX_ID = 65_535;

    byte[] encode() {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        if (id.length > MAX_ID) {
            throw new IllegalArgumentException("client id longer than 65 535 bytes");
        }
        return ByteBuffer.allocate(3 + 8 + 2 + id.length).put(ClusterLink.CONTROL).put(KIND).put((byte) (resumed ? 1 : 0)).putLong(epoch)
                .putShort((short) id.length).put(id).array();
    }

    /** @throws IllegalArgumentException for bytes that are not a takeover notice */
    static TakeoverNotice decode(byte[] bytes) {
        if (bytes.length < 13 || bytes[0] != ClusterLink.CONTROL || bytes[1] != KIND) {
            throw new IllegalArgumentException("not a takeover notice");
        }
        if ((bytes[2] & ~0x01) != 0) {
            throw new IllegalArgumentException("takeover notice with flags 0x" + Integer.toHexString(bytes[2] & 0xFF));
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 3, bytes.length - 3);
        long epoch = in.getLong();
        int length = Short.toUnsignedInt(in.getShort());
        if (in.remaining() != length) {
            throw new IllegalArgumentException("takeover notice of " + bytes.length + " bytes names a client id of " + length);
        }
        if (epoch <= 0) {
            throw new IllegalArgumentException("takeover notice with epoch " + epoch);
        }
        return new TakeoverNotice(new String(bytes, 13, length, StandardCharsets.UTF_8), epoch, bytes[2] == 1);
    }
}
