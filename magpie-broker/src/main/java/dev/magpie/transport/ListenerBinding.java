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
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;

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
        if (listener.kind() == Listener.Kind.WS || listener.kind() == Listener.Kind.WSS) {
            listener.webSocket().staticFiles().filter(dir -> !Files.isDirectory(dir)).ifPresent(dir -> {
                throw new BrokerException("listener " + listener.name() + ": static files folder " + dir
                        + (Files.exists(dir) ? " is not a folder" : " does not exist") + "; create it or leave static files out");
            });
        }
        ChannelGroup connections = new DefaultChannelGroup(listener.name(), GlobalEventExecutor.INSTANCE);
        ServerTlsContext tls = listener.tls().map(settings -> ServerTlsContext.load(listener.name(), settings)).orElse(null);
        MqttChannelInitializer initializer = switch (listener.kind()) {
            case TCP -> new TcpChannelInitializer(broker, listener, connections, brokerConnections);
            case TLS -> new TlsChannelInitializer(broker, listener, connections, brokerConnections, tls);
            case WS -> new WsChannelInitializer(broker, listener, connections, brokerConnections, routes);
            case WSS -> new WssChannelInitializer(broker, listener, connections, brokerConnections, tls, routes);
        };

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.workers())
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
                    + ": " + bindFailure(e), e);
        }
    }

    /** Why a bind failed and what to do, in words: some failures (an unresolved host) carry no message at all. */
    static String bindFailure(Throwable e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof UnresolvedAddressException || e.getCause() instanceof UnresolvedAddressException) {
            return "the host name does not resolve to an address (set the listener's host to an address of this machine,"
                    + " 0.0.0.0 for every interface or 127.0.0.1 for loopback only)";
        }
        if (message.contains("Cannot assign requested address")) {
            return message + " (the address is not one of this machine's: use one it has, 0.0.0.0 for every interface"
                    + " or 127.0.0.1 for loopback only)";
        }
        return (e.getMessage() != null ? message : e.getClass().getSimpleName())
                + " (is another broker running there? choose another port or address)";
    }

    public Listener listener() {
        return listener;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Whether the server socket is still open and accepting (what {@code /ready} checks). */
    public boolean isBound() {
        return serverChannel.isActive();
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
