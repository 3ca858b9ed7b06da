package dev.magpie.cluster.link;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.magpie.cluster.MessageStamp;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.codec.Publish;
import dev.magpie.session.PublishStorage;
import dev.magpie.store.StoredMessage;

/**
 * A PUBLISH as it travels between nodes: version, QoS, RETAIN, when it was published (wall clock, so the receiver
 * counts down the Message Expiry Interval from there [MQTT-3.3.2-6]), the publisher's client id, the topic, the
 * encoded MQTT 5 properties (user properties, content type, correlation data… as published) and the payload.
 *
 * <pre>{@code
 * byte[] bytes = ForwardedPublish.encode(publish, "sensor-7", System.currentTimeMillis());
 * ForwardedPublish received = ForwardedPublish.decode(bytes);
 * }</pre>
 *
 * @param publish        the message (packet id 0, DUP clear)
 * @param originClientId the publisher's client id
 * @param stored         the record it came from (for the receiver's expiry clock)
 * @param plain          whether the receiver's plain (non-shared) subscriptions get it
 * @param sharedGroups   the shared groups ({@code $share/group/filter}) of which one member on the receiver gets it
 * @param hops           how often it was handed on to another node because a group had no member left there
 * @param stamp          its cluster-wide identity, or null (a retained entry; a sender from before stamps)
 *
 * <p>The stamp is a trailer after the groups, which a decoder that does not know it ignores (so nodes of the previous
 * build read these bytes during a rolling upgrade, and this build reads theirs):
 * <pre>
 * 0x53 'S'    trailer kind: stamp
 * 4 bytes     length of the origin's node id in UTF-8, big endian, then the id
 * 8 bytes     the origin's incarnation
 * 8 bytes     the message's number there
 * </pre>
 */
public record ForwardedPublish(Publish publish, String originClientId, StoredMessage stored, boolean plain,
                               List<String> sharedGroups, int hops, MessageStamp stamp) {
    private static final byte VERSION = 2;
    private static final byte STAMP_TRAILER = 'S';

    /** For the receiver's plain subscriptions only, without a stamp (the retained store's format). */
    public static byte[] encode(Publish publish, String originClientId, long publishedAtMillis) {
        return encode(publish, originClientId, publishedAtMillis, true, List.of(), 0, null);
    }

    /** For the receiver's plain subscriptions only, under {@code stamp} (null: none). */
    public static byte[] encode(Publish publish, String originClientId, long publishedAtMillis, MessageStamp stamp) {
        return encode(publish, originClientId, publishedAtMillis, true, List.of(), 0, stamp);
    }

    public static byte[] encode(Publish publish, String originClientId, long publishedAtMillis, boolean plain,
                                List<String> sharedGroups, int hops, MessageStamp stamp) {
        StoredMessage stored = PublishStorage.toStored(publish, publishedAtMillis);
        byte[] topic = stored.topic().getBytes(StandardCharsets.UTF_8);
        byte[] origin = originClientId.getBytes(StandardCharsets.UTF_8);
        List<byte[]> groups = sharedGroups.stream().map(g -> g.getBytes(StandardCharsets.UTF_8)).toList();
        int groupBytes = groups.stream().mapToInt(g -> 4 + g.length).sum();
        byte[] stampNode = stamp == null ? null : stamp.origin().nodeId().getBytes(StandardCharsets.UTF_8);
        int trailer = stamp == null ? 0 : 1 + 4 + stampNode.length + 8 + 8;
        ByteBuffer out = ByteBuffer.allocate(1 + 1 + 1 + 8 + 8 + 4 * 4 + origin.length + topic.length
                + stored.properties().length + stored.payload().length + 1 + 1 + 4 + groupBytes + trailer);
        out.put(VERSION).put((byte) stored.qos()).put((byte) (publish.retain() ? 1 : 0))
                .putLong(stored.storedAtMillis()).putLong(stored.expiresAtMillis());
        out.putInt(origin.length).put(origin).putInt(topic.length).put(topic);
        out.putInt(stored.properties().length).put(stored.properties());
        out.putInt(stored.payload().length).put(stored.payload());
        out.put((byte) (plain ? 1 : 0)).put((byte) hops).putInt(groups.size());
        groups.forEach(g -> out.putInt(g.length).put(g));
        if (stamp != null) {
            out.put(STAMP_TRAILER).putInt(stampNode.length).put(stampNode).putLong(stamp.origin().incarnation())
                    .putLong(stamp.seq());
        }
        return out.array();
    }

    /** @throws IllegalArgumentException for bytes that are not a forwarded PUBLISH of this version */
    public static ForwardedPublish decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != VERSION) {
                throw new IllegalArgumentException("forwarded message of an unknown version");
            }
            int qos = in.get();
            boolean retain = in.get() == 1;
            long storedAt = in.getLong();
            long expiresAt = in.getLong();
            String origin = new String(chunk(in), StandardCharsets.UTF_8);
            String topic = new String(chunk(in), StandardCharsets.UTF_8);
            byte[] properties = chunk(in);
            byte[] payload = chunk(in);
            boolean plain = in.get() == 1;
            int hops = in.get();
            int groupCount = in.getInt();
            if (groupCount < 0 || groupCount > in.remaining() / 4) {
                throw new IllegalArgumentException("forwarded message with a bad group count");
            }
            List<String> groups = new ArrayList<>(groupCount);
            for (int i = 0; i < groupCount; i++) {
                groups.add(new String(chunk(in), StandardCharsets.UTF_8));
            }
            MessageStamp stamp = null;
            if (in.hasRemaining() && in.get() == STAMP_TRAILER) { // another trailer kind is a later build's: ignored
                stamp = new MessageStamp(new NodeIdentity(new String(chunk(in), StandardCharsets.UTF_8), in.getLong()),
                        in.getLong());
            }
            StoredMessage stored = new StoredMessage(topic, qos, payload, properties, storedAt, expiresAt);
            return new ForwardedPublish(PublishStorage.toPublish(stored, retain), origin, stored, plain,
                    List.copyOf(groups), hops, stamp);
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated forwarded message", e);
        }
    }

    private static byte[] chunk(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) { // checked before allocating: a damaged length cannot fill the heap
            throw new IllegalArgumentException("forwarded message with a field longer than the message");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }
}
