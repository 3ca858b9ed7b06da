package dev.magpie.transport;

import dev.magpie.Listener;
import dev.magpie.protocol.ConnectionServices;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;

/**
 * MQTT over WebSocket over HTTP:
 * {@code limit → http-codec → http-write-stall → http-chunked → http-aggregator → http-router}; after an upgrade
 * (which removes the write-stall and chunked handlers)
 * {@code … → wsdecoder/wsencoder → websocket-frames → decoder → encoder → mqtt}.
 */
final class WsChannelInitializer extends MqttChannelInitializer {
    private final HttpRoutes routes;

    WsChannelInitializer(ConnectionServices broker, Listener listener, ChannelGroup connections, ConnectionLimit brokerConnections, HttpRoutes routes) {
        super(broker, listener, connections, brokerConnections);
        this.routes = routes;
    }

    @Override
    void addTransportHandlers(SocketChannel channel, ChannelPipeline pipeline) {
        addHttp(pipeline, routes);
    }
}
