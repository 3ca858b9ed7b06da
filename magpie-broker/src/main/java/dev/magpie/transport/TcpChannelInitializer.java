package dev.magpie.transport;

import dev.magpie.Listener;
import dev.magpie.protocol.ConnectionServices;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;

/** A plain TCP listener: {@code limit → decoder → encoder → mqtt}. */
final class TcpChannelInitializer extends MqttChannelInitializer {

    TcpChannelInitializer(ConnectionServices broker, Listener listener, ChannelGroup connections, ConnectionLimit brokerConnections) {
        super(broker, listener, connections, brokerConnections);
    }

    @Override
    void addTransportHandlers(SocketChannel channel, ChannelPipeline pipeline) {
        addMqtt(pipeline);
    }
}
