package dev.magpie.server.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The client's side of MQTT over WebSocket: the payloads of binary frames (and their continuations) flow into the
 * MQTT decoder as one byte stream, since frame boundaries mean nothing to MQTT [MQTT-6.0.0-2]; outgoing packets
 * go out as binary frames [MQTT-6.0.0-1]. A close frame from the broker is reported with its status code and
 * reason (a broker that refuses often says why there); a text frame is a broker fault. Netty's protocol handler
 * in front answers pings.
 */
final class WebSocketBytes extends ChannelDuplexHandler {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            ctx.fireChannelRead(((WebSocketFrame) msg).content());
        } else if (msg instanceof CloseWebSocketFrame close) {
            String reason = close.reasonText();
            int code = close.statusCode();
            close.release();
            ctx.fireUserEventTriggered(new ClientFailure(ClientFailure.Kind.NETWORK, "the broker closed the WebSocket"
                    + (code < 0 ? "" : " with status " + code) + (reason.isEmpty() ? "" : ": " + reason)));
        } else if (msg instanceof WebSocketFrame frame) {
            String kind = frame.getClass().getSimpleName();
            ReferenceCountUtil.release(frame);
            ctx.fireUserEventTriggered(new ClientFailure(ClientFailure.Kind.NETWORK,
                    "the broker sent a " + kind + "; MQTT travels in binary frames [MQTT-6.0.0-1]"));
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg instanceof ByteBuf bytes ? new BinaryWebSocketFrame(bytes) : msg, promise);
    }
}
