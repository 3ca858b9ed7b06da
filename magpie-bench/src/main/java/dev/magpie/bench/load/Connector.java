package dev.magpie.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;

import javax.net.ssl.SSLException;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens generator connections: native epoll where the platform has it (NIO elsewhere), TCP_NODELAY, optional TLS
 * (trusting any certificate or a given CA) and optional WebSocket ({@code ws://host:port/mqtt}, subprotocol
 * {@code mqtt}). Connection {@code k} binds the source address 127.0.0.(2 + k mod N) when {@code sourceAddresses}
 * N is above 0, so a loopback test is not capped by the ~28,000 ephemeral ports of one source address.
 */
final class Connector implements AutoCloseable {
    private static final int MAX_PACKET = 1 << 20;

    /** Where and how to connect. {@code caFile} empty with {@code tls} means trust any certificate. */
    /**
     * Where connections go. {@code subscriberPort}: the port of connections that subscribe (0: {@code port}), so
     * publishers can load one cluster node and subscribers read from another.
     */
    record Target(String host, int port, boolean tls, Optional<File> caFile, boolean webSocket, String webSocketPath,
                  int sourceAddresses, int subscriberPort) {
        Target {
            if (subscriberPort < 0 || subscriberPort > 65_535) {
                throw new IllegalArgumentException("--subscriber-port must be 0..65535 (0: --port)");
            }
        }

        Target(String host, int port, boolean tls, Optional<File> caFile, boolean webSocket, String webSocketPath,
               int sourceAddresses) {
            this(host, port, tls, caFile, webSocket, webSocketPath, sourceAddresses, 0);
        }

        /** The port a connection with {@code spec} dials: subscribers' own when set. */
        int portFor(BenchConnection.Spec spec) {
            return subscriberPort > 0 && spec.filter() != null && !spec.filter().isEmpty() ? subscriberPort : port;
        }
    }

    private final Target target;
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final Optional<SslContext> ssl;
    private final int indexOffset;

    Connector(Target target, int ioThreads) {
        this(target, ioThreads, 0);
    }

    /** {@code indexOffset}: added to connection indexes, so generator processes sharing a load use distinct sources. */
    Connector(Target target, int ioThreads, int indexOffset) {
        this.target = target;
        this.indexOffset = indexOffset;
        DefaultThreadFactory threads = new DefaultThreadFactory("bench-io", true);
        if (Epoll.isAvailable()) {
            group = new MultiThreadIoEventLoopGroup(ioThreads, threads, EpollIoHandler.newFactory());
            channelClass = EpollSocketChannel.class;
        } else {
            group = new MultiThreadIoEventLoopGroup(ioThreads, threads, NioIoHandler.newFactory());
            channelClass = NioSocketChannel.class;
        }
        this.ssl = target.tls() ? Optional.of(sslContext(target)) : Optional.empty();
    }

    private static SslContext sslContext(Target target) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (target.caFile().isPresent()) {
                builder.trustManager(target.caFile().get());
            } else {
                // Trust-all is for benchmarks against self-signed brokers: no host name check either.
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    EventLoopGroup group() {
        return group;
    }

    /** "tcp", "tls", "ws" or "wss". */
    String transportName() {
        return target.webSocket() ? (target.tls() ? "wss" : "ws") : (target.tls() ? "tls" : "tcp");
    }

    /** Opens connection number {@code index}; the future completes when CONNACK (and SUBACK) came back. */
    CompletableFuture<BenchConnection> open(int index, BenchConnection.Spec spec, BenchConnection.DeliverySink sink) {
        BenchConnection.ReadyOn readyOn = target.webSocket() ? BenchConnection.ReadyOn.WEBSOCKET_HANDSHAKE
                : target.tls() ? BenchConnection.ReadyOn.TLS_HANDSHAKE : BenchConnection.ReadyOn.ACTIVE;
        BenchConnection connection = new BenchConnection(spec, readyOn, sink);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline(ch.pipeline(), connection);
                    }
                });
        InetSocketAddress remote = new InetSocketAddress(target.host(), target.portFor(spec));
        ChannelFuture connect = target.sourceAddresses() > 0
                ? bootstrap.connect(remote, new InetSocketAddress(sourceAddress(index + indexOffset, target.sourceAddresses()), 0))
                : bootstrap.connect(remote);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                connection.ready().completeExceptionally(f.cause());
            }
        });
        return connection.ready();
    }

    private void pipeline(ChannelPipeline p, BenchConnection connection) {
        ssl.ifPresent(context -> p.addLast("tls", context.newHandler(p.channel().alloc(), target.host(), target.port())));
        if (target.webSocket()) {
            String scheme = target.tls() ? "wss" : "ws";
            URI uri = URI.create(scheme + "://" + target.host() + ":" + target.port() + target.webSocketPath());
            p.addLast("http", new HttpClientCodec());
            p.addLast("http-aggregator", new HttpObjectAggregator(8192));
            p.addLast("websocket", new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(
                    uri, WebSocketVersion.V13, "mqtt", false, new DefaultHttpHeaders(), MAX_PACKET + 16)));
            p.addLast("websocket-unwrap", new FramesToBytes());
            p.addLast("websocket-wrap", new BytesToFrames());
        }
        p.addLast("mqtt-frames", new FrameDecoder(connection, MAX_PACKET));
        p.addLast("mqtt-client", connection);
    }

    /** 127.0.0.2 + (index mod count), as an address. */
    static InetAddress sourceAddress(int index, int count) {
        int offset = 2 + Math.floorMod(index, count);
        byte[] address = {127, (byte) (offset >>> 16), (byte) (offset >>> 8), (byte) offset};
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** MQTT over WebSocket travels in binary frames; the MQTT decoder wants the bytes. */
    private static final class FramesToBytes extends SimpleChannelInboundHandler<BinaryWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) {
            ctx.fireChannelRead(frame.content().retain());
        }
    }

    /** Wraps each outgoing MQTT buffer in a binary frame. */
    private static final class BytesToFrames extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(msg instanceof ByteBuf bytes ? new BinaryWebSocketFrame(bytes) : msg, promise);
        }
    }
}
