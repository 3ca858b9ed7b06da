package dev.magpie.transport;

import dev.magpie.Listener;
import dev.magpie.protocol.ConnectionServices;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;

/**
 * MQTT over TLS: {@code limit → tls → tls-handshake → decoder → encoder → mqtt}. Each connection takes the
 * listener's certificate as it is when the connection is accepted (see {@link ServerTlsContext}).
 */
final class TlsChannelInitializer extends MqttChannelInitializer {
    private final ServerTlsContext tls;

    TlsChannelInitializer(ConnectionServices broker, Listener listener, ChannelGroup connections, ConnectionLimit brokerConnections, ServerTlsContext tls) {
        super(broker, listener, connections, brokerConnections);
        this.tls = tls;
    }

    @Override
    void addTransportHandlers(SocketChannel channel, ChannelPipeline pipeline) {
        addTls(channel, pipeline, tls);
        addMqtt(pipeline);
    }
}
