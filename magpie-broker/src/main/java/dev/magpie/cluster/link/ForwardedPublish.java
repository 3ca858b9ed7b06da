package dev.magpie.cluster.link;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

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
 */
public record ForwardedPublish(Publish publish, String originClientId, StoredMessage stored) {
    private static final byte VERSION = 1;

    public static byte[] encode(Publish publish, String originClientId, long publishedAtMillis) {
        StoredMessage stored = PublishStorage.toStored(publish, publishedAtMillis);
        byte[] topic = stored.topic().getBytes(StandardCharsets.UTF_8);
        byte[] origin = originClientId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 1 + 1 + 8 + 8 + 4 * 4 + origin.length + topic.length
                + stored.properties().length + stored.payload().length);
        out.put(VERSION).put((byte) stored.qos()).put((byte) (publish.retain() ? 1 : 0))
                .putLong(stored.storedAtMillis()).putLong(stored.expiresAtMillis());
        out.putInt(origin.length).put(origin).putInt(topic.length).put(topic);
        out.putInt(stored.properties().length).put(stored.properties());
        out.putInt(stored.payload().length).put(stored.payload());
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
            StoredMessage stored = new StoredMessage(topic, qos, payload, properties, storedAt, expiresAt);
            return new ForwardedPublish(PublishStorage.toPublish(stored, retain), origin, stored);
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("truncated forwarded message", e);
        }
    }

    private static byte[] chunk(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return bytes;
    }
}
