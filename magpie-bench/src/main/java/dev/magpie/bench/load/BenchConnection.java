package dev.magpie.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One generator connection: sends CONNECT (and SUBSCRIBE when it subscribes) once the transport is up, answers the
 * broker's QoS 1 and 2 flows, hands every PUBLISH it receives to its {@link DeliverySink}, and, when it publishes,
 * keeps the packet ids of its messages in flight. All methods run on the channel's event loop, so its state needs
 * no locks; {@link #ready()} and {@link #closed()} are the only things other threads look at.
 */
final class BenchConnection extends ChannelDuplexHandler implements FrameDecoder.Sink {

    /** Which event means the transport is ready for MQTT: TCP connected, TLS handshake done, WebSocket upgraded. */
    enum ReadyOn { ACTIVE, TLS_HANDSHAKE, WEBSOCKET_HANDSHAKE }

    /** Receives each PUBLISH's generator header on the event loop. */
    interface DeliverySink {
        void delivered(int stream, int sequence, long intendedNanos, long receivedNanos);
    }

    /** What this connection says at CONNECT and SUBSCRIBE; {@code filter} empty means it does not subscribe. */
    record Spec(String clientId, int level, boolean cleanStart, int keepAliveSeconds, long sessionExpirySeconds,
                String filter, int subscribeQos) {
    }

    private final Spec spec;
    private final ReadyOn readyOn;
    private final DeliverySink sink;
    private final CompletableFuture<BenchConnection> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private ChannelHandlerContext ctx;
    private int receiveMaximum = 65_535;
    /** Packet ids of our QoS 1/2 PUBLISHes not yet completed. */
    private final BitSet inUse = new BitSet(65_536);
    private int inflight;
    private int nextPacketId = 1;
    private long completed;
    /** QoS 2 messages from the broker, by packet id, that got PUBREC and wait for PUBREL (exactly once: count once). */
    private final BitSet awaitingRelease = new BitSet(65_536);
    private ScheduledFuture<?> pings;

    BenchConnection(Spec spec, ReadyOn readyOn, DeliverySink sink) {
        this.spec = spec;
        this.readyOn = readyOn;
        this.sink = sink;
    }

    /** Completes when CONNACK (and SUBACK) accepted us; fails with the broker's reason otherwise. */
    CompletableFuture<BenchConnection> ready() {
        return ready;
    }

    CompletableFuture<Void> closed() {
        return closed;
    }

    Channel channel() {
        return ctx.channel();
    }

    /** The lower of the broker's Receive Maximum and {@code cap}: how many QoS 1/2 PUBLISHes may be in flight. */
    int inflightLimit(int cap) {
        return Math.min(receiveMaximum, cap);
    }

    int inflight() {
        return inflight;
    }

    /** QoS 1/2 PUBLISHes whose flow completed (PUBACK or PUBCOMP). */
    long completed() {
        return completed;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        if (readyOn == ReadyOn.ACTIVE) {
            sendConnect();
        }
        super.channelActive(context);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (readyOn == ReadyOn.TLS_HANDSHAKE && event instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                sendConnect();
            } else {
                ready.completeExceptionally(done.cause());
                context.close();
            }
        } else if (readyOn == ReadyOn.WEBSOCKET_HANDSHAKE
                && event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            sendConnect();
        }
        super.userEventTriggered(context, event);
    }

    private void sendConnect() {
        ctx.writeAndFlush(MqttFrames.connect(ctx.alloc(), spec.level(), spec.clientId(), spec.cleanStart(),
                spec.keepAliveSeconds(), spec.sessionExpirySeconds()));
        if (spec.keepAliveSeconds() > 0) {
            long period = Math.max(1, spec.keepAliveSeconds() * 3L / 4);
            pings = ctx.executor().scheduleAtFixedRate(() -> {
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush(MqttFrames.pingReq(ctx.alloc()));
                }
            }, period, period, TimeUnit.SECONDS);
        }
    }

    /**
     * Writes (without flushing) one PUBLISH if the channel can take it and, for QoS 1/2, a packet id is free within
     * {@code inflightCap}; returns false otherwise, so the caller keeps the message due and retries later.
     */
    boolean tryPublish(byte[] topic, int qos, int payloadSize, int stream, int sequence, long intendedNanos, int inflightCap) {
        Channel channel = ctx.channel();
        if (!channel.isWritable()) {
            return false;
        }
        int packetId = 0;
        if (qos > 0) {
            if (inflight >= inflightLimit(inflightCap)) {
                return false;
            }
            packetId = takePacketId();
        }
        ctx.write(MqttFrames.publish(ctx.alloc(), spec.level(), topic, qos, packetId, payloadSize, stream, sequence,
                intendedNanos), ctx.voidPromise());
        return true;
    }

    void flush() {
        ctx.flush();
    }

    private int takePacketId() {
        int id = nextPacketId;
        while (inUse.get(id)) {
            id = id == 65_535 ? 1 : id + 1;
        }
        inUse.set(id);
        inflight++;
        nextPacketId = id == 65_535 ? 1 : id + 1;
        return id;
    }

    private void release(int packetId) {
        if (inUse.get(packetId)) {
            inUse.clear(packetId);
            inflight--;
            completed++;
        }
    }

    /** Sends DISCONNECT and closes. */
    void disconnect() {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(MqttFrames.disconnect(ctx.alloc())).addListener(f -> ctx.close());
        }
    }

    @Override
    public void packet(ChannelHandlerContext context, int type, int flags, ByteBuf body, int start, int length) {
        switch (type) {
            case MqttFrames.PUBLISH -> receivePublish(flags, body, start, length);
            case MqttFrames.PUBACK, MqttFrames.PUBCOMP -> release(body.getUnsignedShort(start));
            case MqttFrames.PUBREC -> {
                int id = body.getUnsignedShort(start);
                boolean refused = length > 2 && body.getUnsignedByte(start + 2) >= 0x80;
                if (refused) {
                    release(id);
                } else {
                    ctx.write(MqttFrames.ack(ctx.alloc(), MqttFrames.PUBREL, id), ctx.voidPromise());
                }
            }
            case MqttFrames.PUBREL -> {
                int id = body.getUnsignedShort(start);
                awaitingRelease.clear(id);
                ctx.write(MqttFrames.ack(ctx.alloc(), MqttFrames.PUBCOMP, id), ctx.voidPromise());
            }
            case MqttFrames.CONNACK -> connAck(body, start, length);
            case MqttFrames.SUBACK -> {
                int codeIndex = start + 2 + (spec.level() == MqttFrames.V5 ? propertiesSize(body, start + 2) : 0);
                int code = body.getUnsignedByte(codeIndex);
                if (code >= 0x80) {
                    fail("SUBSCRIBE " + spec.filter() + " refused with 0x" + Integer.toHexString(code));
                } else {
                    ready.complete(this);
                }
            }
            case MqttFrames.DISCONNECT -> fail("the broker sent DISCONNECT"
                    + (length > 0 ? " 0x" + Integer.toHexString(body.getUnsignedByte(start)) : ""));
            default -> { }
        }
    }

    private void receivePublish(int flags, ByteBuf body, int start, int length) {
        long now = System.nanoTime();
        int qos = (flags >>> 1) & 3;
        int index = start + 2 + body.getUnsignedShort(start);
        int packetId = 0;
        if (qos > 0) {
            packetId = body.getUnsignedShort(index);
            index += 2;
        }
        if (spec.level() == MqttFrames.V5) {
            index += propertiesSize(body, index);
        }
        boolean count = true;
        if (qos == 1) {
            ctx.write(MqttFrames.ack(ctx.alloc(), MqttFrames.PUBACK, packetId), ctx.voidPromise());
        } else if (qos == 2) {
            // A re-sent QoS 2 PUBLISH before PUBREL is the same message: count it once, as the broker promised.
            count = !awaitingRelease.get(packetId);
            awaitingRelease.set(packetId);
            ctx.write(MqttFrames.ack(ctx.alloc(), MqttFrames.PUBREC, packetId), ctx.voidPromise());
        }
        if (count && start + length - index >= PayloadHeader.SIZE) {
            sink.delivered(PayloadHeader.stream(body, index), PayloadHeader.sequence(body, index),
                    PayloadHeader.intendedNanos(body, index), now);
        }
    }

    private void connAck(ByteBuf body, int start, int length) {
        int code = body.getUnsignedByte(start + 1);
        if (code != 0) {
            fail("CONNECT of " + spec.clientId() + " refused with 0x" + Integer.toHexString(code));
            return;
        }
        if (spec.level() == MqttFrames.V5 && length > 2) {
            receiveMaximum = receiveMaximum(body, start + 2);
        }
        if (spec.filter().isEmpty()) {
            ready.complete(this);
        } else {
            ctx.writeAndFlush(MqttFrames.subscribe(ctx.alloc(), spec.level(), 1, spec.filter(), spec.subscribeQos()));
        }
    }

    private void fail(String reason) {
        ready.completeExceptionally(new IllegalStateException(reason));
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        context.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        ready.completeExceptionally(new IllegalStateException("connection of " + spec.clientId() + " closed"));
        if (pings != null) {
            pings.cancel(false);
        }
        closed.complete(null);
        super.channelInactive(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        ready.completeExceptionally(cause);
        context.close();
    }

    /** Bytes taken by an MQTT 5 property section (its length varint plus the properties) at {@code index}. */
    static int propertiesSize(ByteBuf buf, int index) {
        int length = 0;
        int multiplier = 1;
        int i = index;
        int digit;
        do {
            digit = buf.getUnsignedByte(i++);
            length += (digit & 0x7F) * multiplier;
            multiplier <<= 7;
        } while ((digit & 0x80) != 0);
        return i - index + length;
    }

    /** The Receive Maximum property (0x21) of a CONNACK property section at {@code index}, 65,535 when absent. */
    static int receiveMaximum(ByteBuf buf, int index) {
        int end = index + propertiesSize(buf, index);
        int i = index + 1;
        while (buf.getUnsignedByte(i - 1) >= 0x80) {
            i++;
        }
        while (i < end) {
            int id = buf.getUnsignedByte(i++);
            switch (id) {
                case 0x21 -> {
                    return buf.getUnsignedShort(i);
                }
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> i += 1;
                case 0x13, 0x22, 0x23 -> i += 2;
                case 0x02, 0x11, 0x18, 0x27 -> i += 4;
                case 0x0B -> {
                    while ((buf.getUnsignedByte(i++) & 0x80) != 0) {
                        // variable byte integer
                    }
                }
                case 0x26 -> i += 2 + buf.getUnsignedShort(i) + 2 + buf.getUnsignedShort(i + 2 + buf.getUnsignedShort(i));
                default -> i += 2 + buf.getUnsignedShort(i); // strings and binary data
            }
        }
        return 65_535;
    }

    @Override
    public String toString() {
        return "BenchConnection[" + spec.clientId() + "]";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
