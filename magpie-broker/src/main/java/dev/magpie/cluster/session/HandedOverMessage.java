package dev.magpie.cluster.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.magpie.cluster.link.ClusterLink;
import dev.magpie.cluster.link.ForwardedPublish;

/**
 * A message the old owner of a client id had not delivered (queued, or sent and not acknowledged) when the id was
 * taken over, sent to the new owner for that one client (not to its subscribers at large). A {@link ClusterLink#CONTROL}
 * message:
 *
 * <pre>
 * 0x7F        control message
 * 0x51 'Q'    kind: handed-over message
 * 2 bytes     length of the client id in UTF-8, big endian
 * n bytes     the client id
 * rest        the message, as {@link ForwardedPublish} encodes it
 * </pre>
 *
 * @param clientId the client it is for
 * @param message  the {@link ForwardedPublish} bytes
 */
record HandedOverMessage(String clientId, byte[] message) {
    static final byte KIND = 'Q';

    byte[] encode() {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        if (id.length > 65_535) {
            throw new IllegalArgumentException("client id longer than 65 535 bytes");
        }
        return ByteBuffer.allocate(4 + id.length + message.length).put(ClusterLink.CONTROL).put(KIND)
                .putShort((short) id.length).put(id).put(message).array();
    }

    /** @throws IllegalArgumentException for bytes that are not a handed-over message */
    static HandedOverMessage decode(byte[] bytes) {
        if (bytes.length < 4 || bytes[0] != ClusterLink.CONTROL || bytes[1] != KIND) {
            throw new IllegalArgumentException("not a handed-over message");
        }
        int length = Short.toUnsignedInt(ByteBuffer.wrap(bytes, 2, 2).getShort());
        if (4 + length > bytes.length) {
            throw new IllegalArgumentException("handed-over message of " + bytes.length + " bytes names a client id of " + length);
        }
        byte[] message = new byte[bytes.length - 4 - length];
        System.arraycopy(bytes, 4 + length, message, 0, message.length);
        return new HandedOverMessage(new String(bytes, 4, length, StandardCharsets.UTF_8), message);
    }
}
