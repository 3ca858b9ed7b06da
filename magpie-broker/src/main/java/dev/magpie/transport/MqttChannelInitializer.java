package dev.magpie.transport;

import dev.magpie.security.AddressRange;
import dev.magpie.Listener;
import dev.magpie.WebSocketSettings;
import dev.magpie.codec.MqttDecoder;
import dev.magpie.codec.MqttPacketEncoder;
import dev.magpie.protocol.ConnectionServices;
import dev.magpie.protocol.MqttConnection;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * The shared shape of every listener's pipeline, assembled in one place with named handlers:
 *
 * <pre>
 * guard → [proxy-detector → proxy-decoder → proxy-address] → transport handlers of the kind → traffic → decoder → encoder → mqtt
 * </pre>
 *
 * Each listener kind supplies its transport handlers (none for TCP, TLS for TLS, HTTP and WebSocket for WS,
 * both for WSS); the MQTT end is the same everywhere, so the protocol layer never knows how bytes arrived.
 * The keep-alive handler is inserted before {@code mqtt} once CONNECT tells the interval.
 */
abstract class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {
    static final String GUARD = "guard";
    static final String PROXY_DETECTOR = "proxy-detector";
    static final String PROXY_DECODER = "proxy-decoder";
    static final String PROXY_ADDRESS = "proxy-address";
    static final String TLS = "tls";
    static final String TLS_HANDSHAKE = "tls-handshake";
    static final String HTTP_CODEC = "http-codec";
    static final String HTTP_WRITE_STALL = "http-write-stall";
    static final String HTTP_CHUNKED = "http-chunked";
    static final String HTTP_AGGREGATOR = "http-aggregator";
    static final String HTTP_ROUTER = "http-router";
    static final String WEBSOCKET_FRAMES = "websocket-frames";
    static final String TRAFFIC = "traffic";
    static final String DECODER = "decoder";
    static final String ENCODER = "encoder";
    static final String MQTT = "mqtt";

    /** Largest HTTP request body a route receives; larger requests are answered 413. */
    static final int MAX_HTTP_BODY = 1024 * 1024;

    final ConnectionServices broker;
    final Listener listener;
    private final ConnectionGuard guard;
    private final ChannelGroup connections;
    private final ForwardedFor forwardedFor;
    private final ResponseSlots responseSlots;

    MqttChannelInitializer(ConnectionServices broker, Listener listener, ChannelGroup connections, ConnectionLimit brokerConnections) {
        this.broker = broker;
        this.listener = listener;
        this.connections = connections;
        WebSocketSettings ws = listener.webSocket();
        this.forwardedFor = new ForwardedFor(ws.trustedProxies().stream().map(AddressRange::parse).toList());
        this.responseSlots = new ResponseSlots(listener.name(), ws.maxConcurrentResponses(), ws.maxResponsesPerAddress(), broker.metrics());
        this.guard = new ConnectionGuard(listener.name(), new ConnectionLimit(listener.name(), listener.maxConnections()), brokerConnections,
                listener.maxConnectionRate(), broker.bans(), broker.metrics());
    }

    @Override
    protected final void initChannel(SocketChannel channel) {
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(GUARD, guard);
        if (listener.proxyProtocol()) {
            pipeline.addLast(PROXY_DETECTOR, new ProxyProtocolDetector(listener.name()));
            pipeline.addLast(PROXY_DECODER, new HAProxyMessageDecoder());
            pipeline.addLast(PROXY_ADDRESS, new ProxyProtocolHandler(listener.name()));
        }
        addTransportHandlers(channel, pipeline);
    }

    /** Adds what this listener kind puts between the socket and MQTT, then (now or later) the MQTT handlers. */
    abstract void addTransportHandlers(SocketChannel channel, ChannelPipeline pipeline);

    /** TLS with the listener's current certificate, and the watcher that logs a failed handshake in one line. */
    final void addTls(SocketChannel channel, ChannelPipeline pipeline, ServerTlsContext tls) {
        pipeline.addLast(TLS, tls.newHandler(channel.alloc()));
        pipeline.addLast(TLS_HANDSHAKE, new TlsHandshakeWatcher(listener.name(), broker.metrics()));
    }

    /**
     * HTTP with a bounded request size, output that is streamed ({@code http-chunked}) and may not stall
     * ({@code http-write-stall}), and the router that upgrades MQTT paths to WebSocket (then adds the
     * MQTT handlers) or answers routes and static files.
     */
    final void addHttp(ChannelPipeline pipeline, HttpRoutes routes) {
        WebSocketSettings ws = listener.webSocket();
        pipeline.addLast(HTTP_CODEC, new HttpServerCodec(4096, 8192, 8192));
        pipeline.addLast(HTTP_WRITE_STALL, new WriteStallTimeout(listener.name(), ws.writeStallTimeout(), broker.metrics()));
        pipeline.addLast(HTTP_CHUNKED, new ChunkedWriteHandler());
        pipeline.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_HTTP_BODY));
        pipeline.addLast(HTTP_ROUTER, new HttpRouter(listener.name(), ws, ws.maxMessageSize(broker.settings().maxPacketSize()), routes,
                forwardedFor, responseSlots, broker.settings().connectTimeout().toMillis(), this::addMqtt));
    }

    /** The byte-stream MQTT end: strict decoder (limits checked before buffering), encoder, connection. */
    final void addMqtt(ChannelPipeline pipeline) {
        // after a WebSocket upgrade the frames handler sits where the router was; MQTT follows it
        MqttPacketEncoder encoder = new MqttPacketEncoder();
        pipeline.addLast(TRAFFIC, new WireTraffic(broker.metrics().traffic(), encoder)); // the MQTT bytes, both ways
        pipeline.addLast(DECODER, MqttDecoder.forServer(broker.settings().maxPacketSize()));
        pipeline.addLast(ENCODER, encoder);
        pipeline.addLast(MQTT, new MqttConnection(broker, listener, encoder));
    }
}
