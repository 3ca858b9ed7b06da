package dev.magpie.cluster.session;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.magpie.store.StoredDelivery;
import dev.magpie.store.StoredMessage;
import dev.magpie.store.StoredSession;

/**
 * The bytes of a {@link SessionState} in the cluster store: compact, versioned, big endian, every length checked
 * against what is left before anything is allocated (a corrupt or foreign value is refused, never a huge array).
 *
 * <pre>
 * u8  version (3; 2 and 1, read for their subscriptions and will, carried no messages; 1 has no client fields)
 * u8  protocol level, str listener, u8 user name (0: none, 1: str follows)
 * u32 session expiry interval, seconds
 * u16 subscriptions, each: str filter, u8 options (bits 0-1 QoS, 2 No Local, 3 Retain As Published,
 *     4-5 Retain Handling), u32 subscription identifier (0: none)
 * u8  will (0: none, 1: follows): str topic, u8 flags (bits 0-1 QoS, 2 RETAIN), u32 delay, bin properties, bin payload
 * u32 deliveries, each: u64 key (queue key, or packet id), u8 state (0 queued, 1 awaiting PUBACK, 2 PUBREC,
 *     3 PUBCOMP), u8 flags (bit 0 RETAIN, bit 1 a shared group follows), message, u16 subscription identifiers
 *     + u32 each, [str shared group]
 * u16 inbound QoS 2 ids awaiting PUBREL, each: u16 packet id, u64 fingerprint
 * u16 inbox marks, each: str node id, u64 incarnation, u64 seq
 * message: str topic, u8 QoS, u64 stored at (ms), u64 expires at (ms, -1: never), bin properties, bin payload
 * str: u16 length + UTF-8; bin: u32 length + bytes
 * (versions 1 and 2 end with u32 0 and u16 0: two empty message lists, and no marks)
 * </pre>
 */
public final class SessionStateCodec {
    static final byte VERSION = 3;

    private SessionStateCodec() {
    }

    public static byte[] encode(SessionState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        Writer out = new Writer(bytes);
        out.u8(VERSION);
        SessionState.Client client = state.client();
        out.u8(client.protocolLevel());
        out.str(client.listener());
        out.u8(client.username().isPresent() ? 1 : 0);
        client.username().ifPresent(out::str);
        out.u32(state.expirySeconds());
        out.u16(state.subscriptions().size());
        for (SessionState.Subscription s : state.subscriptions()) {
            out.str(s.filter());
            out.u8(s.qos() | (s.noLocal() ? 0x04 : 0) | (s.retainAsPublished() ? 0x08 : 0) | s.retainHandling() << 4);
            out.u32(s.subscriptionId());
        }
        if (state.will().isPresent()) {
            SessionState.Will will = state.will().get();
            out.u8(1);
            out.str(will.topic());
            out.u8(will.qos() | (will.retain() ? 0x04 : 0));
            out.u32(will.delaySeconds());
            out.bin(will.properties());
            out.bin(will.payload());
        } else {
            out.u8(0);
        }
        out.u32(state.deliveries().size());
        for (StoredDelivery d : state.deliveries()) {
            out.u64(d.key());
            out.u8(d.state());
            out.u8((d.retain() ? 0x01 : 0) | (d.sharedGroup() != null ? 0x02 : 0));
            out.message(d.message());
            out.u16(d.subscriptionIds().size());
            d.subscriptionIds().forEach(id -> out.u32(id));
            if (d.sharedGroup() != null) {
                out.str(d.sharedGroup());
            }
        }
        out.u16(state.inboundQos2().size());
        for (StoredSession.InboundQos2 id : state.inboundQos2()) {
            out.u16(id.packetId());
            out.u64(id.fingerprint());
        }
        out.u16(state.inboxMarks().size());
        for (SessionState.InboxMark mark : state.inboxMarks()) {
            out.str(mark.nodeId());
            out.u64(mark.incarnation());
            out.u64(mark.seq());
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException for bytes that are not a session state of this version, or are truncated */
    public static SessionState decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int version = in.get();
            if (version < 1 || version > VERSION) {
                throw new IllegalArgumentException("session state of unknown version " + version);
            }
            SessionState.Client client = version == 1 ? SessionState.Client.UNKNOWN : client(in);
            long expiry = Integer.toUnsignedLong(in.getInt());
            int subscriptionCount = count(in, Short.toUnsignedInt(in.getShort()), 7);
            List<SessionState.Subscription> subscriptions = new ArrayList<>(subscriptionCount);
            for (int i = 0; i < subscriptionCount; i++) {
                String filter = str(in);
                int options = Byte.toUnsignedInt(in.get());
                if ((options & 0xC0) != 0 || (options & 0x03) == 3 || (options >> 4 & 0x03) == 3) {
                    throw new IllegalArgumentException("subscription options 0x" + Integer.toHexString(options) + " of " + filter);
                }
                int id = in.getInt();
                if (id < 0) {
                    throw new IllegalArgumentException("subscription identifier out of range");
                }
                subscriptions.add(new SessionState.Subscription(filter, options & 0x03, (options & 0x04) != 0, (options & 0x08) != 0,
                        options >> 4 & 0x03, id));
            }
            Optional<SessionState.Will> will = switch (in.get()) {
                case 0 -> Optional.empty();
                case 1 -> {
                    String topic = str(in);
                    int flags = Byte.toUnsignedInt(in.get());
                    if ((flags & ~0x07) != 0 || (flags & 0x03) == 3) {
                        throw new IllegalArgumentException("will flags 0x" + Integer.toHexString(flags));
                    }
                    long delay = Integer.toUnsignedLong(in.getInt());
                    yield Optional.of(new SessionState.Will(topic, flags & 0x03, (flags & 0x04) != 0, delay, bin(in), bin(in)));
                }
                default -> throw new IllegalArgumentException("will marker neither 0 nor 1");
            };
            List<StoredDelivery> deliveries = new ArrayList<>();
            List<StoredSession.InboundQos2> inbound = new ArrayList<>();
            List<SessionState.InboxMark> marks = new ArrayList<>();
            if (version == VERSION) {
                int deliveryCount = count(in, in.getInt(), 35);
                for (int i = 0; i < deliveryCount; i++) {
                    deliveries.add(delivery(in));
                }
                int inboundCount = count(in, Short.toUnsignedInt(in.getShort()), 10);
                for (int i = 0; i < inboundCount; i++) {
                    int packetId = Short.toUnsignedInt(in.getShort());
                    if (packetId == 0) {
                        throw new IllegalArgumentException("inbound QoS 2 entry with packet id 0");
                    }
                    inbound.add(new StoredSession.InboundQos2(packetId, in.getLong()));
                }
                int markCount = count(in, Short.toUnsignedInt(in.getShort()), 18);
                for (int i = 0; i < markCount; i++) {
                    marks.add(new SessionState.InboxMark(str(in), in.getLong(), in.getLong()));
                }
            } else if (in.getInt() != 0 || in.getShort() != 0) {
                // no broker filled these lists before version 3; a value that has some was not written by one
                throw new IllegalArgumentException("a version " + version + " session state with messages");
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the session state");
            }
            return new SessionState(client, expiry, subscriptions, will, deliveries, inbound, marks);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated session state", e);
        }
    }

    private static SessionState.Client client(ByteBuffer in) {
        int level = in.get();
        if (level < 3 || level > 5) {
            throw new IllegalArgumentException("session state of protocol level " + level);
        }
        String listener = str(in);
        Optional<String> username = switch (in.get()) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(str(in));
            default -> throw new IllegalArgumentException("user name marker neither 0 nor 1");
        };
        return new SessionState.Client(username, level, listener);
    }

    /** A count whose entries (at least {@code minBytes} each) must fit in what is left. */
    private static int count(ByteBuffer in, int count, int minBytes) {
        if (count < 0 || (long) count * minBytes > in.remaining()) {
            throw new IllegalArgumentException("truncated session state: " + Integer.toUnsignedString(count)
                    + " entries announced, " + in.remaining() + " bytes left");
        }
        return count;
    }

    private static StoredDelivery delivery(ByteBuffer in) {
        long key = in.getLong();
        int state = in.get();
        int flags = Byte.toUnsignedInt(in.get());
        if (state < StoredDelivery.QUEUED || state > StoredDelivery.AWAIT_PUBCOMP || (flags & ~0x03) != 0
                || (state != StoredDelivery.QUEUED && (key < 1 || key > 0xFFFF))) {
            throw new IllegalArgumentException("delivery with key " + key + ", state " + state + ", flags 0x" + Integer.toHexString(flags));
        }
        StoredMessage message = message(in);
        int idCount = count(in, Short.toUnsignedInt(in.getShort()), 4);
        List<Integer> ids = new ArrayList<>(idCount);
        for (int i = 0; i < idCount; i++) {
            int id = in.getInt();
            if (id < 1) {
                throw new IllegalArgumentException("subscription identifier out of range");
            }
            ids.add(id);
        }
        String group = (flags & 0x02) != 0 ? str(in) : null;
        return new StoredDelivery(key, state, message, (flags & 0x01) != 0, ids, group, 0);
    }

    private static StoredMessage message(ByteBuffer in) {
        String topic = str(in);
        int qos = in.get();
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("message QoS " + qos + " on " + topic);
        }
        long storedAt = in.getLong();
        long expiresAt = in.getLong();
        byte[] properties = bin(in);
        return new StoredMessage(topic, qos, bin(in), properties, storedAt, expiresAt);
    }

    private static String str(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        return new String(take(in, length), StandardCharsets.UTF_8);
    }

    private static byte[] bin(ByteBuffer in) {
        return take(in, in.getInt());
    }

    private static byte[] take(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("truncated session state: a field of " + Integer.toUnsignedString(length)
                    + " bytes, " + in.remaining() + " left");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    /** Big-endian writes into a growing array. */
    private record Writer(ByteArrayOutputStream out) {
        void u8(int value) {
            out.write(value);
        }

        void u16(int value) {
            if (value > 0xFFFF) {
                throw new IllegalArgumentException(value + " does not fit in two bytes");
            }
            out.write(value >>> 8);
            out.write(value);
        }

        void u32(long value) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (value >>> shift));
            }
        }

        void u64(long value) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (value >>> shift));
            }
        }

        void str(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            u16(utf8.length);
            out.writeBytes(utf8);
        }

        void bin(byte[] value) {
            u32(value.length);
            out.writeBytes(value);
        }

        void message(StoredMessage m) {
            str(m.topic());
            u8(m.qos());
            u64(m.storedAtMillis());
            u64(m.expiresAtMillis());
            bin(m.properties());
            bin(m.payload());
        }
    }
}
