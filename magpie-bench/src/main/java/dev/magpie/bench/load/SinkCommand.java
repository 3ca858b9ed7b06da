package dev.magpie.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code magpie bench sink}: a trivial MQTT relay on one event-loop thread, to show the generator is not the
 * bottleneck. It answers CONNECT, SUBSCRIBE and the QoS flows, and forwards each PUBLISH at QoS 0 to the subscribers of
 * its exact topic (filters ending in {@code /+} or {@code /#} match by prefix), flushing once per read batch. No
 * sessions, no checks, no limits: nothing a broker must do. Good for pairs, fanout and fanin; not for shared (every
 * member gets every message). Not for production, obviously.
 */
@Command(name = "sink", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Run a trivial one-thread MQTT relay that the generator can saturate (generator capacity check).")
final class SinkCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--port", defaultValue = "1884", description = "Port to listen on, 0: any (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        try (Relay relay = Relay.start(host, port)) {
            System.err.println("bench sink listening on " + host + ":" + relay.port() + " (Ctrl-C stops it)");
            relay.channel.closeFuture().sync();
        }
        return 0;
    }

    /** The relay server; {@link #start} binds it, {@link #close} stops it. All state lives on its one thread. */
    static final class Relay implements AutoCloseable {
        private final EventLoopGroup group;
        private final Channel channel;
        private final Map<String, List<Channel>> exact = new HashMap<>();
        private final Map<String, List<Channel>> prefixes = new HashMap<>();
        private final Set<Channel> dirty = new LinkedHashSet<>();

        private Relay(String host, int port) throws InterruptedException {
            Class<? extends ServerChannel> serverClass;
            if (Epoll.isAvailable()) {
                group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
                serverClass = EpollServerSocketChannel.class;
            } else {
                group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                serverClass = NioServerSocketChannel.class;
            }
            channel = new ServerBootstrap().group(group).channel(serverClass)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            Session session = new Session();
                            ch.pipeline().addLast(new FrameDecoder(session, 1 << 20), session);
                        }
                    }).bind(host, port).sync().channel();
        }

        static Relay start(String host, int port) throws InterruptedException {
            return new Relay(host, port);
        }

        int port() {
            return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
        }

        @Override
        public void close() {
            channel.close();
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }

        /** One client connection. */
        private final class Session extends ChannelInboundHandlerAdapter implements FrameDecoder.Sink {
            private boolean v5;

            @Override
            public void packet(ChannelHandlerContext ctx, int type, int flags, ByteBuf body, int start, int length) {
                Channel ch = ctx.channel();
                switch (type) {
                    case 1 -> {
                        v5 = body.getUnsignedByte(start + 6) == MqttFrames.V5;
                        ch.write(v5 ? ctx.alloc().buffer(5).writeBytes(new byte[] {0x20, 3, 0, 0, 0})
                                : ctx.alloc().buffer(4).writeBytes(new byte[] {0x20, 2, 0, 0}));
                        dirty.add(ch);
                    }
                    case 8 -> subscribe(ctx, body, start, length);
                    case MqttFrames.PUBLISH -> publish(ctx, flags, body, start, length);
                    case MqttFrames.PUBREL -> {
                        ch.write(MqttFrames.ack(ctx.alloc(), MqttFrames.PUBCOMP, body.getUnsignedShort(start)));
                        dirty.add(ch);
                    }
                    case 12 -> {
                        ch.write(ctx.alloc().buffer(2).writeByte(0xD0).writeByte(0));
                        dirty.add(ch);
                    }
                    case MqttFrames.DISCONNECT -> ch.close();
                    default -> { }
                }
            }

            private void subscribe(ChannelHandlerContext ctx, ByteBuf body, int start, int length) {
                int packetId = body.getUnsignedShort(start);
                int i = start + 2 + (v5 ? BenchConnection.propertiesSize(body, start + 2) : 0);
                List<Integer> granted = new ArrayList<>();
                while (i < start + length) {
                    int len = body.getUnsignedShort(i);
                    String filter = body.toString(i + 2, len, StandardCharsets.UTF_8);
                    granted.add(Math.min(2, body.getUnsignedByte(i + 2 + len) & 3));
                    i += 3 + len;
                    if (filter.startsWith("$share/")) {
                        filter = filter.substring(filter.indexOf('/', 7) + 1);
                    }
                    if (filter.endsWith("/+") || filter.endsWith("/#")) {
                        prefixes.computeIfAbsent(filter.substring(0, filter.length() - 1), k -> new ArrayList<>()).add(ctx.channel());
                    } else {
                        exact.computeIfAbsent(filter, k -> new ArrayList<>()).add(ctx.channel());
                    }
                }
                ByteBuf ack = ctx.alloc().buffer();
                ack.writeByte(0x90);
                MqttFrames.writeVarInt(ack, 2 + (v5 ? 1 : 0) + granted.size());
                ack.writeShort(packetId);
                if (v5) {
                    ack.writeByte(0);
                }
                granted.forEach(ack::writeByte);
                ctx.channel().write(ack);
                dirty.add(ctx.channel());
            }

            private void publish(ChannelHandlerContext ctx, int flags, ByteBuf body, int start, int length) {
                int qos = (flags >>> 1) & 3;
                int topicLength = body.getUnsignedShort(start);
                String topic = body.toString(start + 2, topicLength, StandardCharsets.UTF_8);
                int afterTopic = start + 2 + topicLength;
                int rest = afterTopic + (qos > 0 ? 2 : 0);
                if (qos > 0) {
                    int id = body.getUnsignedShort(afterTopic);
                    ctx.channel().write(MqttFrames.ack(ctx.alloc(), qos == 1 ? MqttFrames.PUBACK : MqttFrames.PUBREC, id));
                    dirty.add(ctx.channel());
                }
                List<Channel> targets = new ArrayList<>(exact.getOrDefault(topic, List.of()));
                int slash = topic.lastIndexOf('/');
                if (slash >= 0) {
                    targets.addAll(prefixes.getOrDefault(topic.substring(0, slash + 1), List.of()));
                }
                int remaining = 2 + topicLength + (start + length - rest);
                for (Channel target : targets) {
                    if (!target.isActive()) {
                        continue;
                    }
                    ByteBuf out = target.alloc().directBuffer(5 + remaining);
                    out.writeByte(0x30);
                    MqttFrames.writeVarInt(out, remaining);
                    out.writeBytes(body, start, 2 + topicLength).writeBytes(body, rest, start + length - rest);
                    target.write(out, target.voidPromise());
                    dirty.add(target);
                }
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                dirty.forEach(Channel::flush);
                dirty.clear();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                exact.values().forEach(l -> l.remove(ctx.channel()));
                prefixes.values().forEach(l -> l.remove(ctx.channel()));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        }
    }
}
