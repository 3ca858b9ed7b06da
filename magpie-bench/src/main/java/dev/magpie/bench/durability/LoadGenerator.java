package dev.magpie.bench.durability;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttDecoder;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttPacketEncoder;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client side of the durability benchmark: raw MQTT 3.1.1 over Netty with the broker's own codec, so no
 * client library's threading or buffering is measured. N publishers with persistent sessions (Clean Session 0)
 * each keep {@code window} QoS 1 PUBLISHes in flight and send the next one only when a PUBACK comes back (closed
 * loop: throughput is bounded by how fast the broker acknowledges, which is what durable acknowledgements
 * change). M persistent subscribers on {@code bench/#} with QoS 1 acknowledge every PUBLISH at once.
 *
 * <p>All channels share one event-loop thread: the process is pinned to one core anyway, and one thread means
 * the per-publisher state needs no synchronisation. Writes are flushed once per read batch, not per packet.
 */
final class LoadGenerator implements AutoCloseable {
    static final String FILTER = "bench/#";
    private static final int MAX_PACKET = 1 << 20;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Shape of the load. Payload sizes are uniform in {@code [minPayload, maxPayload]}. {@code rate} caps the
     * publishes per second of all publishers together (0: none, the window alone limits them); a cap below the
     * closed-loop throughput shows whether a setting keeps up with a given load, e.g. without dropping writes.
     */
    record Options(int publishers, int subscribers, int window, int minPayload, int maxPayload, int rate) {
        Options {
            if (publishers < 1 || subscribers < 1 || window < 1 || window > 65_535 || minPayload < 0 || maxPayload < minPayload
                    || rate < 0) {
                throw new IllegalArgumentException("bad load options " + this);
            }
        }
    }

    /** Counters since the start and the PUBACK latencies (µs) recorded since the previous snapshot. */
    record Snapshot(long nanos, long delivered, long acked, long duplicates, Histogram latencyMicros) {
    }

    private final Options options;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final LongAdder delivered = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final Recorder latency = new Recorder(3);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<PublisherHandler> publishers = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private volatile boolean publishing;
    private volatile boolean closing;

    LoadGenerator(Options options) {
        this.options = options;
    }

    /** Connects and subscribes every subscriber, then connects the publishers (which wait for {@link #start}). */
    void connect(String host, int port) throws Exception {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (int i = 0; i < options.subscribers(); i++) {
            SubscriberHandler handler = new SubscriberHandler();
            channels.add(open(host, port, "bench-sub-" + i, handler));
            ready.add(handler.ready);
        }
        await(ready, "subscribers");
        ready.clear();
        Random random = new Random(42);
        for (int i = 0; i < options.publishers(); i++) {
            PublisherHandler handler = new PublisherHandler("bench/p" + i, payloads(random));
            publishers.add(handler);
            channels.add(open(host, port, "bench-pub-" + i, handler));
            ready.add(handler.ready);
        }
        await(ready, "publishers");
    }

    void start() {
        publishing = true;
        long now = System.nanoTime();
        for (PublisherHandler p : publishers) {
            p.startedAt = now;
            Runnable fill = () -> {
                p.fillWindow();
                p.channel.flush();
            };
            p.channel.eventLoop().execute(fill);
            if (options.rate() > 0) {
                // credit accrues with time, not only with PUBACKs: top the window up every millisecond
                p.channel.eventLoop().scheduleAtFixedRate(fill, 1, 1, TimeUnit.MILLISECONDS);
            }
        }
    }

    Snapshot snapshot() {
        check();
        return new Snapshot(System.nanoTime(), delivered.sum(), acked.sum(), duplicates.sum(), latency.getIntervalHistogram());
    }

    /**
     * Stops sending new messages and waits up to {@code timeout} until every one sent is acknowledged and every
     * acknowledged one reached every subscriber. Returns the deliveries still missing (0 when all arrived).
     */
    long stopAndDrain(Duration timeout) throws InterruptedException {
        publishing = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        long missing;
        do {
            Thread.sleep(50);
            boolean anyInflight = publishers.stream().anyMatch(p -> p.inflight > 0);
            missing = acked.sum() * options.subscribers() - (delivered.sum() - duplicates.sum());
            if (!anyInflight && missing <= 0) {
                return 0;
            }
        } while (System.nanoTime() < deadline);
        return Math.max(missing, 1);
    }

    private void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("load generator failed: " + t, t);
        }
    }

    private Channel open(String host, int port, String clientId, SimpleChannelInboundHandler<MqttPacket> handler)
            throws InterruptedException {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(MqttDecoder.forClient(MqttVersion.V3_1_1, MAX_PACKET),
                                new MqttPacketEncoder(), handler);
                    }
                });
        Channel channel = bootstrap.connect(host, port).sync().channel();
        // Clean Session 0: the persistent session this benchmark is about; keep-alive 0, no PINGREQ needed
        channel.writeAndFlush(new Connect(MqttVersion.V3_1_1, clientId, false, 0, null, null, null, MqttProperties.EMPTY));
        return channel;
    }

    private static void await(List<CompletableFuture<Void>> ready, String what) throws Exception {
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(what + " not ready within " + CONNECT_TIMEOUT, e);
        }
    }

    /** Pre-made payloads, so the sending loop allocates nothing per message but the packet itself. */
    private byte[][] payloads(Random random) {
        byte[][] all = new byte[256][];
        for (int i = 0; i < all.length; i++) {
            all[i] = new byte[options.minPayload() + random.nextInt(options.maxPayload() - options.minPayload() + 1)];
            random.nextBytes(all[i]);
        }
        return all;
    }

    private abstract class Handler extends SimpleChannelInboundHandler<MqttPacket> {
        final CompletableFuture<Void> ready = new CompletableFuture<>();

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!closing) {
                fail(new IllegalStateException("the broker closed " + ctx.channel()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        void fail(Throwable cause) {
            failure.compareAndSet(null, cause);
            ready.completeExceptionally(cause);
        }

        void connAck(MqttPacket packet) {
            if (((ConnAck) packet).reasonCode() != 0) {
                fail(new IllegalStateException("refused: " + packet));
            }
        }
    }

    private final class SubscriberHandler extends Handler {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttPacket packet) {
            if (packet instanceof Publish p) {
                if (p.qos() == 1) {
                    ctx.write(PubResponse.of(PacketType.PUBACK, p.packetId()));
                }
                delivered.increment();
                if (p.dup()) {
                    duplicates.increment();
                }
            } else if (packet instanceof ConnAck) {
                connAck(packet);
                ctx.writeAndFlush(new Subscribe(1, List.of(Subscription.of(FILTER, 1)), MqttProperties.EMPTY));
            } else if (packet instanceof SubAck s) {
                if (s.reasonCodes().equals(List.of(1))) {
                    ready.complete(null);
                } else {
                    fail(new IllegalStateException("QoS 1 subscription not granted: " + s));
                }
            }
        }
    }

    private final class PublisherHandler extends Handler {
        private final String topic;
        private final byte[][] payloads;
        private final long[] sentAt = new long[65_536];
        private Channel channel;
        private int nextId = 1;
        private int nextPayload;
        private long sent;
        private long startedAt;
        /** Written on the event loop only; volatile so that {@link #stopAndDrain} sees it. */
        volatile int inflight;

        PublisherHandler(String topic, byte[][] payloads) {
            this.topic = topic;
            this.payloads = payloads;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            channel = ctx.channel();
            super.channelActive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttPacket packet) {
            if (packet instanceof PubResponse r && r.type() == PacketType.PUBACK) {
                long start = sentAt[r.packetId()];
                if (start == 0) {
                    fail(new IllegalStateException("PUBACK for a packet id not in flight: " + r));
                    return;
                }
                sentAt[r.packetId()] = 0;
                latency.recordValue(Math.max(0, (System.nanoTime() - start) / 1_000));
                acked.increment();
                inflight--;
                fillWindow(); // flushed in channelReadComplete, once per batch of PUBACKs
            } else if (packet instanceof ConnAck) {
                connAck(packet);
                ready.complete(null);
            }
        }

        /** Tops the window up while the run lasts. Packet ids 1..65535 cycle; the window keeps them unique. */
        void fillWindow() {
            while (publishing && inflight < options.window() && withinRate()) {
                int id = nextId;
                nextId = id == 65_535 ? 1 : id + 1;
                sentAt[id] = System.nanoTime();
                byte[] payload = payloads[nextPayload++ & (payloads.length - 1)];
                channel.write(new Publish(topic, 1, false, false, id, payload, MqttProperties.EMPTY));
                inflight++;
                sent++;
            }
        }

        private boolean withinRate() {
            if (options.rate() == 0) {
                return true;
            }
            double perPublisher = (double) options.rate() / options.publishers();
            return sent < (System.nanoTime() - startedAt) * perPublisher / 1e9;
        }
    }

    @Override
    public void close() {
        closing = true;
        for (Channel c : channels) {
            c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
