package dev.magpie.transport;

import dev.magpie.protocol.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Turns WebSocket frames into the plain byte stream MQTT is decoded from, and outgoing bytes into binary
 * frames. Frame boundaries mean nothing to MQTT [MQTT-6.0.0-2]: a frame may carry several packets or part
 * of one, so the payloads simply flow into the normal {@code MqttDecoder}, which bounds packet sizes.
 *
 * <p>Text frames are refused (1003: MQTT is binary [MQTT-6.0.0-1]); a message (a frame with its
 * continuations) larger than the listener's bound is refused with 1009, as is a single frame larger than
 * the frame bound (checked by Netty's frame decoder before buffering). Pings are answered, a close is
 * echoed.
 */
final class WebSocketFrames extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrames.class);

    private static final long CLOSE_LINGER_MILLIS = 1_000;

    private final String listenerName;
    private final int maxMessageSize;
    private long messageBytes;
    private boolean inBinaryMessage;
    private boolean closing;

    WebSocketFrames(String listenerName, int maxMessageSize) {
        this.listenerName = listenerName;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            // bytes the HTTP decoder had buffered behind the upgrade request: frames sent before the 101 answer
            ReferenceCountUtil.release(msg);
            close(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, "data sent before the WebSocket handshake completed");
            return;
        }
        if (closing) {
            frame.release();
            return;
        }
        if (frame instanceof BinaryWebSocketFrame) {
            messageBytes = 0;
            inBinaryMessage = !frame.isFinalFragment();
            payload(ctx, frame);
        } else if (frame instanceof ContinuationWebSocketFrame) {
            if (!inBinaryMessage) {
                frame.release();
                close(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, "continuation without a binary frame");
                return;
            }
            inBinaryMessage = !frame.isFinalFragment();
            payload(ctx, frame);
        } else if (frame instanceof TextWebSocketFrame) {
            frame.release();
            close(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "MQTT needs binary frames");
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content()));
        } else if (frame instanceof PongWebSocketFrame) {
            frame.release();
        } else if (frame instanceof CloseWebSocketFrame close) {
            closing = true;
            ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
            close.release();
        } else {
            frame.release();
        }
    }

    private void payload(ChannelHandlerContext ctx, WebSocketFrame frame) {
        messageBytes += frame.content().readableBytes();
        if (messageBytes > maxMessageSize) {
            frame.release();
            LOG.info("listener {}: {} sent a WebSocket message over {} bytes, closing", listenerName, ClientAddress.of(ctx.channel()), maxMessageSize);
            close(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, "message larger than " + maxMessageSize + " bytes");
            return;
        }
        ctx.fireChannelRead(frame.content());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            ctx.write(new BinaryWebSocketFrame(bytes), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException bad) {
            // the frame decoder now discards input; tell the client why (1009 for an oversized frame, 1002 otherwise)
            LOG.info("listener {}: {} sent a bad WebSocket frame, closing: {}", listenerName, ClientAddress.of(ctx.channel()), bad.getMessage());
            close(ctx, bad.closeStatus(), bad.getMessage());
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /**
     * Sends a close frame and gives the client a moment to answer it before the socket closes: closing at
     * once, with the client's remaining bytes unread, makes the kernel send a reset that can destroy the
     * close frame before the client reads it.
     */
    private void close(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        if (!closing) {
            closing = true;
            String shortReason = reason.length() > 100 ? reason.substring(0, 100) : reason; // a close reason fits 123 bytes
            ctx.writeAndFlush(new CloseWebSocketFrame(status, shortReason)).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    f.channel().eventLoop().schedule(() -> f.channel().close(), CLOSE_LINGER_MILLIS, TimeUnit.MILLISECONDS);
                } else {
                    f.channel().close();
                }
            });
        }
    }

}
