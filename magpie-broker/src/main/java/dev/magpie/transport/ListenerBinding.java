package dev.magpie.transport;

import dev.magpie.BrokerException;
import dev.magpie.Listener;
import dev.magpie.protocol.ConnectionServices;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;

/**
 * One bound listener: its server channel and the group of its open connections (so stop can reach them).
 */
public final class ListenerBinding {
    private final Listener listener;
    private final Channel serverChannel;
    private final ChannelGroup connections;
    private final ServerTlsContext tls;

    private ListenerBinding(Listener listener, Channel serverChannel, ChannelGroup connections, ServerTlsContext tls) {
        this.listener = listener;
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.tls = tls;
    }

    /** Binds {@code listener}; blocks until bound. {@code brokerConnections} is shared by all listeners of the broker. */
    public static ListenerBinding bind(Listener listener, ConnectionServices broker, EventLoops loops, HttpRoutes routes,
                                       ConnectionLimit brokerConnections) {
        ChannelGroup connections = new DefaultChannelGroup(listener.name(), GlobalEventExecutor.INSTANCE);
        ServerTlsContext tls = listener.tls().map(settings -> ServerTlsContext.load(listener.name(), settings)).orElse(null);
        MqttChannelInitializer initializer = switch (listener.kind()) {
            case TCP -> new TcpChannelInitializer(broker, listener, connections, brokerConnections);
            case TLS -> new TlsChannelInitializer(broker, listener, connections, brokerConnections, tls);
            case WS -> new WsChannelInitializer(broker, listener, connections, brokerConnections, routes);
            case WSS -> new WssChannelInitializer(broker, listener, connections, brokerConnections, tls, routes);
        };

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.acceptors(), loops.workers())
                .channel(loops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 256 * 1024))
                .childHandler(initializer);
        try {
            Channel server = bootstrap.bind(listener.host(), listener.port()).syncUninterruptibly().channel();
            if (tls != null) {
                tls.watch(loops.workers().next());
            }
            return new ListenerBinding(listener, server, connections, tls);
        } catch (Exception e) {
            throw new BrokerException("listener " + listener.name() + " cannot bind " + listener.host() + ":" + listener.port()
                    + ": " + e.getMessage() + " (is another broker running there? choose another port or address)", e);
        }
    }

    public Listener listener() {
        return listener;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public ChannelGroup connections() {
        return connections;
    }

    /** Stops accepting new connections. */
    public void unbind() {
        if (tls != null) {
            tls.stopWatching();
        }
        serverChannel.close().syncUninterruptibly();
    }
}
