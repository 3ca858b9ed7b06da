package dev.magpie.transport;

import dev.magpie.security.AddressRange;
import dev.magpie.WebSocketSettings;
import dev.magpie.protocol.ClientAddress;
import dev.magpie.spi.HttpRoute;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
 * paths and answers the others from the application's routes or the static folder.
 *
 * <p>An upgrade echoes the MQTT subprotocol the client offered ({@code mqtt} preferred over
 * {@code mqttv3.1}), sends none when none was offered (some WeChat and embedded clients offer none), and
 * refuses with 400 a client that offers only other subprotocols: it would not speak MQTT. After the 101
 * answer this handler is replaced by {@link WebSocketFrames} and the MQTT handlers, so the protocol layer
 * sees the same byte stream as on TCP.
 *
 * <p>Routes and files are served off the event loop (the routes' executor); reading stops until the answer
 * is written, so pipelined requests are answered in order and buffered requests stay bounded. A connection
 * idle for longer than the connect timeout is closed.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpRouter.class);

    private final String listenerName;
    private final WebSocketSettings settings;
    private final int maxMessageSize;
    private final HttpRoutes routes;
    private final StaticFiles files;
    private final List<AddressRange> trustedProxies;
    private final long idleMillis;
    private final Consumer<ChannelPipeline> addMqtt;
    private ScheduledFuture<?> idle;

    HttpRouter(String listenerName, WebSocketSettings settings, int maxMessageSize, HttpRoutes routes, List<AddressRange> trustedProxies,
               long idleMillis, Consumer<ChannelPipeline> addMqtt) {
        this.listenerName = listenerName;
        this.settings = settings;
        this.maxMessageSize = maxMessageSize;
        this.routes = routes;
        this.files = settings.staticFiles().map(StaticFiles::new).orElse(null);
        this.trustedProxies = trustedProxies;
        this.idleMillis = idleMillis;
        this.addMqtt = addMqtt;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        armIdleTimer(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelIdleTimer();
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

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        cancelIdleTimer();
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, text(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"), false);
            return;
        }
        learnClientAddress(ctx, request);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (isWebSocketUpgrade(request)) {
            if (settings.upgrades(path)) {
                upgrade(ctx, request, path);
            } else {
                respond(ctx, text(HttpResponseStatus.NOT_FOUND, "no MQTT over WebSocket at " + path + "; try " + settings.paths().get(0)), false);
            }
            return;
        }
        serve(ctx, request, uri);
    }

    private static boolean isWebSocketUpgrade(FullHttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE, ""));
    }

    // ---- WebSocket upgrade ----

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        List<String> offered = new ArrayList<>();
        for (String value : request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String p : value.split(",")) {
                if (!p.isBlank()) {
                    offered.add(p.strip());
                }
            }
        }
        String chosen = null;
        if (!offered.isEmpty()) {
            chosen = offered.contains("mqtt") ? "mqtt" : offered.contains("mqttv3.1") ? "mqttv3.1" : null;
            if (chosen == null) {
                LOG.info("listener {}: WebSocket upgrade from {} refused: subprotocols {} offered, none is mqtt", listenerName,
                        ClientAddress.of(ctx.channel()), offered);
                respond(ctx, text(HttpResponseStatus.BAD_REQUEST, "unsupported WebSocket subprotocol " + offered + "; offer mqtt"), false);
                return;
            }
        }
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.maxFrameSize())
                .allowExtensions(false)
                .expectMaskedFrames(true)
                .closeOnProtocolViolation(false) // WebSocketFrames sends the close frame, then lingers
                .build();
        String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://" + host + path, chosen, config).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ChannelPipeline pipeline = ctx.pipeline();
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

    /** Believes X-Forwarded-For only from a trusted proxy: the client is the rightmost address that is not one. */
    private void learnClientAddress(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (trustedProxies.isEmpty() || !isTrusted(ClientAddress.of(ctx.channel()).getAddress())) {
            return;
        }
        List<String> hops = new ArrayList<>();
        for (String header : request.headers().getAll("X-Forwarded-For")) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> address = literal(hops.get(i));
            if (address.isEmpty()) {
                return;
            }
            if (!isTrusted(address.get()) || i == 0) {
                ctx.channel().attr(ClientAddress.KEY).set(new InetSocketAddress(address.get(), 0));
                return;
            }
        }
    }

    private boolean isTrusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(r -> r.contains(address));
    }

    private static Optional<InetAddress> literal(String hop) {
        String s = hop;
        if (s.startsWith("[") && s.indexOf(']') > 0) {
            s = s.substring(1, s.indexOf(']'));
        } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            s = s.substring(0, s.indexOf(':')); // IPv4 with a port
        }
        try {
            AddressRange.parse(s);
            return Optional.of(InetAddress.getByName(s));
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    // ---- routes and static files ----

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        HttpRoute.Request call = new HttpRoute.Request(request.method().name(), uri.path(), uri.parameters(), headers,
                ByteBufUtil.getBytes(request.content()));
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = request.method().equals(HttpMethod.HEAD);
        ctx.channel().config().setAutoRead(false);
        try {
            routes.executor().execute(() -> {
                FullHttpResponse response = answer(ctx, call);
                if (head) {
                    response.content().clear();
                }
                ctx.executor().execute(() -> respond(ctx, response, keepAlive));
            });
        } catch (RejectedExecutionException e) {
            respond(ctx, text(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy, try again"), false);
        }
    }

    /** On the routes' executor. */
    private FullHttpResponse answer(ChannelHandlerContext ctx, HttpRoute.Request call) {
        Optional<HttpRoute> route = routes.find(call.path());
        if (route.isPresent()) {
            try {
                HttpRoute.Response r = route.get().handle(call);
                if (r == null) {
                    throw new IllegalStateException("route answered null");
                }
                return response(HttpResponseStatus.valueOf(r.status()), r.contentType(), r.body());
            } catch (RuntimeException e) {
                LOG.warn("listener {}: HTTP route {} failed for {} {}: {}", listenerName, call.path(), call.method(),
                        ClientAddress.of(ctx.channel()), e.toString());
                return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
            }
        }
        if (files != null && (call.method().equals("GET") || call.method().equals("HEAD"))) {
            Optional<StaticFiles.Found> found = files.find(call.path());
            if (found.isPresent()) {
                return response(HttpResponseStatus.OK, found.get().contentType(), found.get().content());
            }
        }
        return text(HttpResponseStatus.NOT_FOUND, "not found");
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return response(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    /** On the event loop: writes the answer, then reads the next request or closes. */
    private void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        if (!response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            if (!keepAlive || !f.isSuccess()) {
                f.channel().close();
            } else if (f.channel().pipeline().get(HttpRouter.class) == this) {
                armIdleTimer(ctx);
                f.channel().config().setAutoRead(true);
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("listener {}: HTTP connection from {} failed: {}", listenerName, ClientAddress.of(ctx.channel()), cause.toString());
        ctx.close();
    }
}
