package dev.magpie.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;
import java.util.Optional;

/**
 * Turns bytes into {@link MqttPacket}s, for one connection, in one direction. It is strict: every rule
 * of the wire format that a receiver can check is checked, and a violation ends decoding for good.
 *
 * <p>Limits come before buffering. As soon as the fixed header is readable (at most 5 bytes) the
 * packet type, its flags, and the total size are checked, so a header announcing 200 MB fails at once
 * with {@link ReasonCode#PACKET_TOO_LARGE} instead of waiting for (and accumulating) the body. The body
 * is parsed from a slice of exactly the remaining length, so no length field inside it can reach past
 * the packet, and nothing is allocated from a length before it has been compared with what is there.
 *
 * <p>A server-side decoder also enforces the CONNECT gate: the first packet must be CONNECT
 * [MQTT-3.1.0-1] and a second one is a protocol error [MQTT-3.1.0-2]. It learns the protocol version
 * from the CONNECT ({@link #version()} is set as soon as the protocol level is read, so a caller can
 * answer a broken 5.0 CONNECT in 5.0 form) and decodes 5.0 properties from then on.
 *
 * <p>Errors: a violation is thrown as {@link MalformedPacketException} carrying the reason code to close
 * with. Netty delivers it to {@code exceptionCaught} wrapped in a
 * {@link io.netty.handler.codec.DecoderException}; callers unwrap {@code getCause()}. After the first
 * error the decoder discards all further input, so nothing after a bad packet is ever decoded.
 *
 * <p>Holding ({@link #holdInput}): while the connection cannot take more answers (its output is full), the
 * decoder leaves what it has buffered undecoded, so the packets behind the one being handled wait as bytes (at
 * most one socket read of them) instead of each adding an answer to the full output. It decodes them once
 * released ({@link #releaseInput}).
 *
 * <p>Not sharable: one instance per channel, used from that channel's event loop.
 */
public final class MqttDecoder extends ByteToMessageDecoder {
    private final boolean serverSide;
    private final int maxPacketSize;
    private MqttVersion version;
    private boolean connectSeen;
    private boolean failed;
    /** Set by the protocol layer once it has decided to close: nothing more is decoded. */
    private boolean discarding;
    /** Set while the connection's output is full: buffered input waits undecoded. */
    private boolean holding;
    /** This decoder's place in the pipeline, to decode held input again once released. */
    private ChannelHandlerContext self;

    /** Protocol name "MQTT" or "MQIsdp" with its length, and the level: what tells a CONNECT's version. */
    private static final int CONNECT_VERSION_BYTES = 9;

    private MqttDecoder(boolean serverSide, MqttVersion version, int maxPacketSize) {
        if (maxPacketSize < 2) {
            throw new IllegalArgumentException("maxPacketSize must be at least 2 bytes, was " + maxPacketSize);
        }
        this.serverSide = serverSide;
        this.version = version;
        this.maxPacketSize = maxPacketSize;
    }

    /** Decodes what clients send (CONNECT first, then PUBLISH, PUB*, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT, AUTH). */
    public static MqttDecoder forServer(int maxPacketSize) {
        return new MqttDecoder(true, null, maxPacketSize);
    }

    /** Decodes what servers send (CONNACK, PUBLISH, PUB*, SUBACK, UNSUBACK, PINGRESP, DISCONNECT, AUTH), for test clients. */
    public static MqttDecoder forClient(MqttVersion version, int maxPacketSize) {
        if (version == null) {
            throw new IllegalArgumentException("a client decoder needs the version it connected with");
        }
        return new MqttDecoder(false, version, maxPacketSize);
    }

    /** The version in use: for a server decoder empty until a CONNECT's protocol level has been read. */
    public Optional<MqttVersion> version() {
        return Optional.ofNullable(version);
    }

    /** Changes the version of a client decoder (a test client that reconnects with another version). */
    public void version(MqttVersion newVersion) {
        if (serverSide) {
            throw new IllegalStateException("a server decoder learns its version from CONNECT");
        }
        if (newVersion == null) {
            throw new IllegalArgumentException("version must not be null");
        }
        this.version = newVersion;
    }

    /** True once a packet was rejected; all input is discarded from then on. */
    public boolean hasFailed() {
        return failed;
    }

    /**
     * Stops decoding for good: what is still buffered behind the packet being handled, and everything that
     * arrives later, is dropped unread. The protocol layer calls it when it closes the connection (after a fatal
     * protocol violation the rest of the input must not be acted on, nor logged once per packet). Event loop only.
     */
    public void discardInput() {
        discarding = true;
    }

    /**
     * Stops decoding until {@link #releaseInput}: bytes already read stay buffered, undecoded. The caller also stops
     * reading the socket (auto-read off), so what is buffered stays within one read. Event loop only.
     */
    public void holdInput() {
        holding = true;
    }

    /** Whether input is being held ({@link #holdInput}). */
    public boolean isHolding() {
        return holding;
    }

    /**
     * Decodes again: what was held is decoded in a task of its own on the event loop (never inside the caller, which
     * may itself be handling a packet). Event loop only.
     */
    public void releaseInput() {
        if (!holding) {
            return;
        }
        holding = false;
        ChannelHandlerContext ctx = self;
        if (ctx == null || actualReadableBytes() == 0) {
            return;
        }
        ctx.executor().execute(() -> {
            if (holding || ctx.isRemoved() || actualReadableBytes() == 0) {
                return;
            }
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER); // decodes what is cumulated, as a read would
                channelReadComplete(ctx);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            }
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        self = ctx;
        super.handlerAdded(ctx);
    }

    /**
     * As the base class does, except while holding: then a read that decoded nothing must not ask the socket for more
     * (the base class reads on when auto-read is off and no packet came out, which would buffer without bound).
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (holding) {
            discardSomeReadBytes();
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed || discarding) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (holding) {
            return; // left in the cumulation until released
        }
        try {
            MqttPacket packet = decodeOne(in);
            if (packet != null) {
                out.add(packet);
            }
        } catch (RuntimeException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /** One packet, or {@code null} if more bytes are needed; consumes nothing until the whole packet is there. */
    private MqttPacket decodeOne(ByteBuf in) {
        int readable = in.readableBytes();
        if (readable == 0) {
            return null;
        }
        int start = in.readerIndex();
        int first = in.getUnsignedByte(start);
        PacketType type = checkFirstByte(first);
        int remaining = 0;
        int lengthBytes = 0;
        while (true) {
            if (lengthBytes == 4) {
                throw WireReader.malformed("remaining length is longer than 4 bytes [MQTT-1.5.5]");
            }
            if (readable < 2 + lengthBytes) {
                return null;
            }
            int b = in.getUnsignedByte(start + 1 + lengthBytes);
            remaining |= (b & 0x7F) << (7 * lengthBytes);
            lengthBytes++;
            if ((b & 0x80) == 0) {
                if (b == 0 && lengthBytes > 1) {
                    throw WireReader.malformed("remaining length is not encoded in the minimum number of bytes [MQTT-1.5.5-1]");
                }
                break;
            }
        }
        long total = 1L + lengthBytes + remaining;
        if (total > maxPacketSize) {
            MalformedPacketException tooLarge = new MalformedPacketException(ReasonCode.PACKET_TOO_LARGE, type + " of " + total
                    + " bytes exceeds the maximum packet size of " + maxPacketSize + " bytes");
            if (type != PacketType.CONNECT) {
                throw tooLarge;
            }
            // a CONNECT too large is answered in its own version (5.0: CONNACK 0x95): wait for the few bytes of its
            // protocol name and level, never for the body
            int header = 1 + lengthBytes;
            if (readable < header + CONNECT_VERSION_BYTES && remaining >= CONNECT_VERSION_BYTES) {
                return null;
            }
            throw ConnectDecoder.peekVersion(in.slice(start + header, Math.min(readable - header, CONNECT_VERSION_BYTES)))
                    .map(tooLarge::inConnect).orElse(tooLarge);
        }
        if (readable < total) {
            return null;
        }
        in.skipBytes(1 + lengthBytes);
        return decodeBody(type, first & 0x0F, in.readSlice(remaining));
    }

    /** Type, direction, CONNECT order and reserved flags: all known from the first byte alone. */
    private PacketType checkFirstByte(int first) {
        PacketType type = PacketType.ofCode(first >>> 4);
        if (type == null) {
            throw WireReader.malformed("packet type 0 is reserved and must not be used");
        }
        if (!validInDirection(type)) {
            throw new MalformedPacketException(ReasonCode.PROTOCOL_ERROR, type + " must not be sent by a "
                    + (serverSide ? "client" : "server"));
        }
        if (serverSide) {
            if (!connectSeen && type != PacketType.CONNECT) {
                throw new MalformedPacketException(ReasonCode.PROTOCOL_ERROR,
                        "the first packet must be CONNECT, got " + type + " [MQTT-3.1.0-1]");
            }
            if (connectSeen && type == PacketType.CONNECT) {
                throw new MalformedPacketException(ReasonCode.PROTOCOL_ERROR, "a second CONNECT is not allowed [MQTT-3.1.0-2]");
            }
        }
        if (type == PacketType.AUTH && !version.isV5()) {
            throw WireReader.malformed("packet type 15 (AUTH) is reserved in " + version);
        }
        int flags = first & 0x0F;
        switch (type) {
            case PUBLISH -> {
                int qos = (flags >> 1) & 0x03;
                if (qos == 3) {
                    throw WireReader.malformed("PUBLISH with QoS 3 [MQTT-3.3.1-4]");
                }
                if (qos == 0 && (flags & 0x08) != 0) {
                    throw WireReader.malformed("PUBLISH with QoS 0 has the DUP flag set [MQTT-3.3.1-2]");
                }
            }
            // MQTT 3.1 allowed the DUP bit on these when they were resent
            case PUBREL, SUBSCRIBE, UNSUBSCRIBE -> {
                if (flags != 0x02 && !(version == MqttVersion.V3_1 && flags == 0x0A)) {
                    throw WireReader.malformed(type + " fixed header flags are 0x" + Integer.toHexString(flags)
                            + "; they must be 0x2 [MQTT-2.2.2-1], [MQTT-2.2.2-2]");
                }
            }
            default -> {
                if (flags != 0) {
                    throw WireReader.malformed(type + " fixed header flags are 0x" + Integer.toHexString(flags)
                            + "; they must be 0 [MQTT-2.2.2-1], [MQTT-2.2.2-2]");
                }
            }
        }
        return type;
    }

    private boolean validInDirection(PacketType type) {
        return switch (type) {
            case CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ -> serverSide;
            case CONNACK, SUBACK, UNSUBACK, PINGRESP -> !serverSide;
            default -> true;
        };
    }

    private MqttPacket decodeBody(PacketType type, int flags, ByteBuf body) {
        boolean fromServer = !serverSide;
        return switch (type) {
            case CONNECT -> {
                version = ConnectDecoder.readVersion(body);
                Connect connect;
                try {
                    connect = ConnectDecoder.readRest(body, version);
                } catch (MalformedPacketException e) {
                    throw e.inConnect(version); // the caller answers a 5.0 client with a CONNACK saying why
                }
                connectSeen = true;
                yield connect;
            }
            case CONNACK -> AckDecoder.connAck(body, version);
            case PUBLISH -> PublishDecoder.publish(body, flags, version, fromServer);
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> PublishDecoder.response(body, type, version, fromServer);
            case SUBSCRIBE -> SubscribeDecoder.subscribe(body, version);
            case SUBACK -> AckDecoder.subAck(body, version);
            case UNSUBSCRIBE -> SubscribeDecoder.unsubscribe(body, version);
            case UNSUBACK -> AckDecoder.unsubAck(body, version);
            case PINGREQ -> ControlDecoder.pingReq(body);
            case PINGRESP -> ControlDecoder.pingResp(body);
            case DISCONNECT -> ControlDecoder.disconnect(body, version, fromServer);
            case AUTH -> ControlDecoder.auth(body, fromServer);
        };
    }
}
