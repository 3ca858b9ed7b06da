package dev.magpie.transport;

import dev.magpie.WebSocketSettings;
import dev.magpie.protocol.ClientAddress;
import dev.magpie.spi.HttpRoute;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The last handler of an HTTP(S) listener until a WebSocket upgrade: it upgrades requests for the MQTT
 * paths (once {@link WebSocketHandshakeCheck} agrees) and answers the others from the application's routes or
 * the static folder ({@link StaticFiles}, streamed by {@link StaticFileResponder}). A request whose path is
 * not valid percent-encoding ({@code /%zz}) is answered 400.
 *
 * <p>After the 101 answer this handler is replaced by {@link WebSocketFrames} and the MQTT handlers, so the
 * protocol layer sees the same byte stream as on TCP; the HTTP-only handlers (chunked writer, write-stall
 * timeout) leave with it and the connection gets back the listener's write-buffer water mark.
 *
 * <p>Routes and files are worked out off the event loop (the routes' executor) and each answer holds a slot
 * of the listener's {@link ResponseSlots} until it is written; without a slot the answer is 503. One request
 * is answered at a time: reading stops until the answer is written, and requests that arrived in the same read
 * (pipelined) wait, at most {@value #MAX_PIPELINED}, so they are answered in order and hold one slot at a time.
 * A connection idle between requests for longer than the connect timeout is closed; one whose answer stops
 * moving is closed by {@link WriteStallTimeout}.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpRouter.class);
    /** Requests that may wait behind the one being answered; a client pipelining more is closed. */
    private static final int MAX_PIPELINED = 16;

    private final String listenerName;
    private final WebSocketSettings settings;
    private final int maxMessageSize;
    private final HttpRoutes routes;
    private final StaticFiles files;
    private final ForwardedFor forwardedFor;
    private final ResponseSlots slots;
    private final WebSocketHandshakeCheck handshakeCheck;
    private final long idleMillis;
    private final Consumer<ChannelPipeline> addMqtt;
    private final ArrayDeque<FullHttpRequest> pipelined = new ArrayDeque<>();
    private ScheduledFuture<?> idle;
    private boolean answering;
    private ResponseSlots.Slot slot;
    private WriteBufferWaterMark socketWaterMark;

    HttpRouter(String listenerName, WebSocketSettings settings, int maxMessageSize, HttpRoutes routes, ForwardedFor forwardedFor,
               ResponseSlots slots, long idleMillis, Consumer<ChannelPipeline> addMqtt) {
        this.listenerName = listenerName;
        this.settings = settings;
        this.maxMessageSize = maxMessageSize;
        this.routes = routes;
        this.files = settings.staticFiles().map(root -> new StaticFiles(root, settings.serveHiddenFiles())).orElse(null);
        this.forwardedFor = forwardedFor;
        this.slots = slots;
        this.handshakeCheck = new WebSocketHandshakeCheck(settings.allowedOrigins());
        this.idleMillis = idleMillis;
        this.addMqtt = addMqtt;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        socketWaterMark = ctx.channel().config().getWriteBufferWaterMark();
        ctx.channel().config().setWriteBufferWaterMark(StaticFileResponder.WATER_MARK);
        armIdleTimer(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelIdleTimer();
        releaseSlot();
        for (FullHttpRequest request; (request = pipelined.poll()) != null; ) {
            request.release();
        }
    }

    private void armIdleTimer(ChannelHandlerContext ctx) {
        cancelIdleTimer();
        idle = ctx.executor().schedule(() -> {
            LOG.debug("listener {}: {} idle on HTTP, closing", listenerName, ClientAddress.of(ctx.channel()));
            ctx.close();
        }, idleMillis, TimeUnit.MILLISECONDS);
    }

    private void cancelIdleTimer() {
        if (idle != null) {
            idle.cancel(false);
            idle = null;
        }
    }

    private void releaseSlot() {
        if (slot != null) {
            slot.release();
            slot = null;
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (answering) {
            // pipelined: the decoder delivers what one read brought in even with reading paused
            if (pipelined.size() >= MAX_PIPELINED) {
                LOG.debug("listener {}: {} pipelined more than {} HTTP requests, closing", listenerName, ClientAddress.of(ctx.channel()),
                        MAX_PIPELINED);
                ctx.close();
                return;
            }
            pipelined.add(request.retain());
            return;
        }
        handle(ctx, request);
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        answering = true;
        cancelIdleTimer();
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, HttpAnswers.text(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"), false);
            return;
        }
        forwardedFor.learn(ctx.channel(), request.headers());
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path;
        Map<String, List<String>> parameters;
        try {
            path = uri.path();
            parameters = uri.parameters();
        } catch (IllegalArgumentException e) {
            respond(ctx, HttpAnswers.text(HttpResponseStatus.BAD_REQUEST, "malformed percent-encoding in the request URI"), false);
            return;
        }
        if (isWebSocketUpgrade(request)) {
            if (settings.upgrades(path)) {
                upgrade(ctx, request, path);
            } else {
                respond(ctx, HttpAnswers.text(HttpResponseStatus.NOT_FOUND, "no MQTT over WebSocket at " + path + "; try "
                        + settings.paths().get(0)), false);
            }
            return;
        }
        serve(ctx, request, path, uri.rawPath(), parameters);
    }

    private static boolean isWebSocketUpgrade(FullHttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE, ""));
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        WebSocketHandshakeCheck.Verdict verdict = handshakeCheck.check(request);
        if (verdict instanceof WebSocketHandshakeCheck.Refused refused) {
            LOG.info("listener {}: WebSocket upgrade from {} refused with {}: {}", listenerName, ClientAddress.of(ctx.channel()),
                    refused.response().status().code(), refused.reason());
            respond(ctx, refused.response(), false);
            return;
        }
        String subprotocol = ((WebSocketHandshakeCheck.Accepted) verdict).subprotocol().orElse(null);
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.maxFrameSize())
                .allowExtensions(false)
                .expectMaskedFrames(true)
                .closeOnProtocolViolation(false) // WebSocketFrames sends the close frame, then lingers
                .build();
        String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        WebSocketServerHandshaker13 handshaker = new WebSocketServerHandshaker13("ws://" + host + path, subprotocol, config);
        ChannelPipeline pipeline = ctx.pipeline();
        // the HTTP-only output handling leaves: MQTT has its own output bounds and the listener's water mark
        pipeline.remove(MqttChannelInitializer.HTTP_CHUNKED);
        pipeline.remove(MqttChannelInitializer.HTTP_WRITE_STALL);
        ctx.channel().config().setWriteBufferWaterMark(socketWaterMark);
        // frames and MQTT are in place before the 101 leaves, so a frame sent right after it finds them
        pipeline.replace(this, MqttChannelInitializer.WEBSOCKET_FRAMES, new WebSocketFrames(listenerName, maxMessageSize));
        addMqtt.accept(pipeline);
        handshaker.handshake(ctx.channel(), request).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.info("listener {}: WebSocket handshake with {} failed: {}", listenerName, ClientAddress.of(f.channel()), f.cause().toString());
                f.channel().close();
            }
        });
    }

    // ---- routes and static files ----

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path, String rawPath, Map<String, List<String>> parameters) {
        Optional<ResponseSlots.Slot> granted = slots.tryAcquire(ClientAddress.of(ctx.channel()).getAddress());
        if (granted.isEmpty()) {
            respond(ctx, HttpAnswers.busy("too many HTTP answers under way"), false);
            return;
        }
        slot = granted.get();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        HttpRoute.Request call = new HttpRoute.Request(request.method().name(), path, parameters, headers,
                ByteBufUtil.getBytes(request.content()), ClientAddress.of(ctx.channel()),
                ctx.pipeline().get(SslHandler.class) != null, listenerName, rawPath);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = request.method().equals(HttpMethod.HEAD);
        ctx.channel().config().setAutoRead(false);
        try {
            routes.executor().execute(() -> answer(ctx, call, keepAlive, head));
        } catch (RejectedExecutionException e) {
            releaseSlot();
            respond(ctx, HttpAnswers.busy("the HTTP executor is full"), false);
        }
    }

    /** On the routes' executor: a route's answer, else a file, else 404; written on the event loop. */
    private void answer(ChannelHandlerContext ctx, HttpRoute.Request call, boolean keepAlive, boolean head) {
        Optional<HttpRoute> route = routes.find(call.path());
        if (route.isEmpty() && files != null && (call.method().equals("GET") || call.method().equals("HEAD"))) {
            Optional<StaticFiles.Found> found = files.find(call.path());
            if (found.isPresent()) {
                ctx.executor().execute(() -> {
                    if (!ctx.channel().isActive()) {
                        StaticFileResponder.close(found.get());
                        return;
                    }
                    whenWritten(ctx, StaticFileResponder.write(ctx, found.get(), keepAlive, head), keepAlive);
                });
                return;
            }
        }
        FullHttpResponse response = route.map(r -> routeAnswer(ctx, r, call))
                .orElseGet(() -> HttpAnswers.text(HttpResponseStatus.NOT_FOUND, "not found"));
        if (head) {
            response.content().clear();
        }
        ctx.executor().execute(() -> respond(ctx, response, keepAlive));
    }

    private FullHttpResponse routeAnswer(ChannelHandlerContext ctx, HttpRoute route, HttpRoute.Request call) {
        try {
            HttpRoute.Response r = route.handle(call);
            if (r == null) {
                throw new IllegalStateException("route answered null");
            }
            FullHttpResponse response = HttpAnswers.response(HttpResponseStatus.valueOf(r.status()), r.contentType(), r.body());
            r.headers().forEach((name, value) -> {
                if (!HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name) && !HttpHeaderNames.CONTENT_TYPE.contentEqualsIgnoreCase(name)) {
                    response.headers().set(name, value);
                }
            });
            return response;
        } catch (RuntimeException e) {
            LOG.warn("listener {}: HTTP route {} failed for {} {}: {}", listenerName, call.path(), call.method(),
                    ClientAddress.of(ctx.channel()), e.toString());
            return HttpAnswers.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
        }
    }

    /** On the event loop: writes an in-memory answer, then reads the next request or closes. */
    private void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        if (!response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        whenWritten(ctx, ctx.writeAndFlush(response), keepAlive);
    }

    private void whenWritten(ChannelHandlerContext ctx, ChannelFuture written, boolean keepAlive) {
        written.addListener((ChannelFutureListener) f -> {
            releaseSlot();
            answering = false;
            if (!keepAlive || !f.isSuccess()) {
                f.channel().close();
            } else if (f.channel().pipeline().get(HttpRouter.class) == this) {
                FullHttpRequest next = pipelined.poll();
                if (next != null) {
                    try {
                        handle(ctx, next);
                    } finally {
                        next.release();
                    }
                } else {
                    armIdleTimer(ctx);
                    f.channel().config().setAutoRead(true);
                }
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("listener {}: HTTP connection from {} failed: {}", listenerName, ClientAddress.of(ctx.channel()), cause.toString());
        ctx.close();
    }
}
