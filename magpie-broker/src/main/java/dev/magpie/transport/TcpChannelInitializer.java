package dev.magpie.transport;

import dev.magpie.Listener;
import dev.magpie.codec.MqttDecoder;
import dev.magpie.codec.MqttPacketEncoder;
import dev.magpie.protocol.BrokerContext;
import dev.magpie.protocol.MqttConnection;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;

/**
 * The pipeline of a plain TCP listener, assembled in one place with named handlers:
 * {@code limit → decoder → encoder → mqtt}. The keep-alive handler is inserted before {@code mqtt} once
 * CONNECT tells the interval.
 */
final class TcpChannelInitializer extends ChannelInitializer<SocketChannel> {
    static final String LIMIT = "limit";
    static final String DECODER = "decoder";
    static final String ENCODER = "encoder";
    static final String MQTT = "mqtt";

    private final BrokerContext broker;
    private final Listener listener;
    private final ConnectionLimit limit;
    private final ChannelGroup connections;

    TcpChannelInitializer(BrokerContext broker, Listener listener, ChannelGroup connections) {
        this.broker = broker;
        this.listener = listener;
        this.connections = connections;
        this.limit = listener.maxConnections() > 0 ? new ConnectionLimit(listener.name(), listener.maxConnections()) : null;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        if (limit != null) {
            pipeline.addLast(LIMIT, limit);
        }
        MqttPacketEncoder encoder = new MqttPacketEncoder();
        pipeline.addLast(DECODER, MqttDecoder.forServer(broker.settings().maxPacketSize()));
        pipeline.addLast(ENCODER, encoder);
        pipeline.addLast(MQTT, new MqttConnection(broker, listener, encoder));
    }
}
