package dev.magpie.cluster.session;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bytes of a {@link SessionState} in the cluster store: compact, versioned, big endian, every length checked
 * against what is left before anything is allocated (a corrupt or foreign value is refused, never a huge array).
 *
 * <pre>
 * u8  version (2; 1 has no client fields)
 * u8  protocol level, str listener, u8 user name (0: none, 1: str follows)
 * u32 session expiry interval, seconds
 * u16 subscriptions, each: str filter, u8 options (bits 0-1 QoS, 2 No Local, 3 Retain As Published,
 *     4-5 Retain Handling), u32 subscription identifier (0: none)
 * u8  will (0: none, 1: follows): str topic, u8 flags (bits 0-1 QoS, 2 RETAIN), u32 delay, bin properties, bin payload
 * u32 queued messages, each a message
 * u16 in-flight, each: u16 packet id, u8 phase (0: awaiting PUBACK/PUBREC, message follows; 1: PUBREL sent)
 * message: str topic, u8 QoS, u64 published at (ms), u64 expires at (ms, 0: never), bin properties, bin payload
 * str: u16 length + UTF-8; bin: u32 length + bytes
 * </pre>
 */
public final class SessionStateCodec {
    static final byte VERSION = 2;

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
        out.u32(state.queued().size());
        state.queued().forEach(out::message);
        out.u16(state.inflight().size());
        for (SessionState.Inflight i : state.inflight()) {
            out.u16(i.packetId());
            out.u8(i.message().isPresent() ? 0 : 1);
            i.message().ifPresent(out::message);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException for bytes that are not a session state of this version, or are truncated */
    public static SessionState decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int version = in.get();
            if (version != VERSION && version != 1) {
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
            int queuedCount = count(in, in.getInt(), 31);
            List<SessionState.Message> queued = new ArrayList<>(queuedCount);
            for (int i = 0; i < queuedCount; i++) {
                queued.add(message(in));
            }
            int inflightCount = count(in, Short.toUnsignedInt(in.getShort()), 3);
            List<SessionState.Inflight> inflight = new ArrayList<>(inflightCount);
            for (int i = 0; i < inflightCount; i++) {
                int packetId = Short.toUnsignedInt(in.getShort());
                int phase = in.get();
                if (packetId == 0 || phase < 0 || phase > 1) {
                    throw new IllegalArgumentException("in-flight entry with packet id " + packetId + " and phase " + phase);
                }
                inflight.add(new SessionState.Inflight(packetId, phase == 0 ? Optional.of(message(in)) : Optional.empty()));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the session state");
            }
            return new SessionState(client, expiry, subscriptions, will, queued, inflight);
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

    private static SessionState.Message message(ByteBuffer in) {
        String topic = str(in);
        int qos = in.get();
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("message QoS " + qos + " on " + topic);
        }
        long publishedAt = in.getLong();
        long expiresAt = in.getLong();
        return new SessionState.Message(topic, qos, publishedAt, expiresAt, bin(in), bin(in));
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

        void message(SessionState.Message m) {
            str(m.topic());
            u8(m.qos());
            u64(m.publishedAtMillis());
            u64(m.expiresAtMillis());
            bin(m.properties());
            bin(m.payload());
        }
    }
}
