package dev.magpie.cluster.redis;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.magpie.cluster.InboxMessage;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.RouteDelta;

/**
 * The bytes the backend puts on channels and streams. A route delta is one binary message (version byte, node id,
 * incarnation, seq, full flag, then the filters, each length-prefixed UTF-8); an inbox entry is a stream entry with
 * fields {@code o} (origin node id), {@code i} (incarnation, hex), {@code s} (seq, decimal) and {@code b} (body). A
 * retained notice is written by the script: 'S'|'D', version, NUL, topic, NUL, body.
 */
final class WireCodec {
    private static final byte DELTA_VERSION = 1;

    private WireCodec() {
    }

    static byte[] encode(RouteDelta delta) {
        byte[] node = utf8(delta.origin().nodeId());
        int size = 1 + 4 + node.length + 8 + 8 + 1 + 8;
        byte[][] added = encoded(delta.added());
        byte[][] removed = encoded(delta.removed());
        for (byte[] filter : added) {
            size += 4 + filter.length;
        }
        for (byte[] filter : removed) {
            size += 4 + filter.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(DELTA_VERSION).putInt(node.length).put(node).putLong(delta.origin().incarnation())
                .putLong(delta.seq()).put((byte) (delta.full() ? 1 : 0))
                .putInt(added.length).putInt(removed.length);
        for (byte[] filter : added) {
            out.putInt(filter.length).put(filter);
        }
        for (byte[] filter : removed) {
            out.putInt(filter.length).put(filter);
        }
        return out.array();
    }

    /** The delta, or an {@link IllegalArgumentException} for bytes that are not one (another version, truncated). */
    static RouteDelta decodeDelta(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != DELTA_VERSION) {
                throw new IllegalArgumentException("route delta of an unknown version");
            }
            NodeIdentity origin = new NodeIdentity(string(in), in.getLong());
            long seq = in.getLong();
            boolean full = in.get() == 1;
            int added = in.getInt();
            int removed = in.getInt();
            return new RouteDelta(origin, seq, full, strings(in, added), strings(in, removed));
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated route delta", e);
        }
    }

    static Map<String, byte[]> fields(InboxMessage message) {
        Map<String, byte[]> fields = new HashMap<>(8);
        fields.put("o", utf8(message.origin().nodeId()));
        fields.put("i", utf8(Long.toHexString(message.origin().incarnation())));
        fields.put("s", utf8(Long.toString(message.seq())));
        fields.put("b", message.body());
        return fields;
    }

    static InboxMessage message(Map<String, byte[]> fields) {
        try {
            NodeIdentity origin = new NodeIdentity(text(fields.get("o")), Long.parseUnsignedLong(text(fields.get("i")), 16));
            byte[] body = fields.get("b");
            return new InboxMessage(origin, Long.parseLong(text(fields.get("s"))), body == null ? new byte[0] : body);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an inbox entry: fields " + fields.keySet(), e);
        }
    }

    /** A parsed retained notice; {@code body} is empty for a delete. */
    record RetainedNotice(boolean set, long version, String topic, byte[] body) {
    }

    static RetainedNotice retainedNotice(byte[] bytes) {
        int firstNul = indexOf(bytes, 1);
        int secondNul = firstNul < 0 ? -1 : indexOf(bytes, firstNul + 1);
        if (bytes.length < 3 || firstNul < 0 || (bytes[0] != 'S' && bytes[0] != 'D')) {
            throw new IllegalArgumentException("not a retained notice");
        }
        long version = Long.parseLong(new String(bytes, 1, firstNul - 1, StandardCharsets.US_ASCII));
        int topicEnd = secondNul < 0 ? bytes.length : secondNul;
        String topic = new String(bytes, firstNul + 1, topicEnd - firstNul - 1, StandardCharsets.UTF_8);
        byte[] body = secondNul < 0 ? new byte[0] : Arrays.copyOfRange(bytes, secondNul + 1, bytes.length);
        return new RetainedNotice(bytes[0] == 'S', version, topic, body);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[][] encoded(Set<String> filters) {
        return filters.stream().map(WireCodec::utf8).toArray(byte[][]::new);
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return text(bytes);
    }

    private static Set<String> strings(ByteBuffer in, int count) {
        if (count < 0 || count > in.remaining() / 4) {
            throw new IllegalArgumentException("route delta with an impossible filter count " + count);
        }
        Set<String> strings = new LinkedHashSet<>(count * 2);
        for (int i = 0; i < count; i++) {
            strings.add(string(in));
        }
        return strings;
    }
}
