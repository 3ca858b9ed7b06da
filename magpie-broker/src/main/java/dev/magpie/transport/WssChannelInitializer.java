package dev.magpie.transport;

import dev.magpie.Listener;
import dev.magpie.protocol.ConnectionServices;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;

/**
 * MQTT over WebSocket over HTTPS, what browsers and WeChat mini programs ({@code wxs://}) use:
 * {@code limit → tls → tls-handshake → http-codec → http-write-stall → http-chunked → http-aggregator → http-router},
 * then as {@link WsChannelInitializer}.
 */
final class WssChannelInitializer extends MqttChannelInitializer {
    private final ServerTlsContext tls;
    private final HttpRoutes routes;

    WssChannelInitializer(ConnectionServices broker, Listener listener, ChannelGroup connections, ConnectionLimit brokerConnections, ServerTlsContext tls, HttpRoutes routes) {
        super(broker, listener, connections, brokerConnections);
        this.tls = tls;
        this.routes = routes;
    }

    @Override
    void addTransportHandlers(SocketChannel channel, ChannelPipeline pipeline) {
        addTls(channel, pipeline, tls);
        addHttp(pipeline, routes);
    }
}
