package dev.magpie.server.client;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One MQTT client connection for the command-line tools ({@code magpie pub}, {@code magpie sub}), with a blocking
 * API: {@link #open} returns once CONNACK accepted, {@link #subscribe} once SUBACK granted every filter, and
 * {@link #publish} hands back a future for the message's acknowledgement. Every refusal, network or TLS error
 * and timeout is a {@link ClientFailure} with a one-line message.
 *
 * <pre>{@code
 * try (ClientConnection c = ClientConnection.open(Endpoint.tcp("localhost", 1883, ClientTls.off()),
 *         ClientLogin.anonymous(MqttVersion.V5, "probe-1"), Duration.ofSeconds(10), message -> {}, line -> {})) {
 *     int reason = c.publish("greetings", 1, false, "hello".getBytes(UTF_8)).get();
 * }
 * }</pre>
 *
 * <p>It owns its one-thread event loop, shut down by {@link #close()}, which also sends DISCONNECT.
 */
public final class ClientConnection implements AutoCloseable {

    /** Largest packet accepted from the broker (announced in a 5.0 CONNECT as Maximum Packet Size). */
    public static final int MAX_PACKET_SIZE = 16 * 1024 * 1024;
    /** How long {@link #close()} waits for the DISCONNECT to go out and the channel to close. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final EventLoopGroup group;
    private final Channel channel;
    private final ClientProtocol protocol;
    private final ConnAck connAck;
    private final AtomicBoolean closing = new AtomicBoolean();

    private ClientConnection(EventLoopGroup group, Channel channel, ClientProtocol protocol, ConnAck connAck) {
        this.group = group;
        this.channel = channel;
        this.protocol = protocol;
        this.connAck = connAck;
    }

    /**
     * Connects and logs in; {@code messages} receives every PUBLISH the broker sends (on the connection's thread),
     * {@code trace} a line per packet sent and received (for {@code -d}).
     *
     * @throws ClientFailure REFUSED for a CONNACK with a failure code, NETWORK, or TIMEOUT after {@code timeout}
     * @throws IllegalArgumentException if a TLS file cannot be read
     */
    public static ClientConnection open(Endpoint endpoint, ClientLogin login, Duration timeout, Consumer<Publish> messages,
                                        Consumer<String> trace) throws ClientFailure {
        SslContext ssl = endpoint.tls().enabled() ? endpoint.tls().sslContext() : null;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("magpie-client", true),
                NioIoHandler.newFactory());
        long timeoutMillis = Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        ClientProtocol protocol = new ClientProtocol(endpoint, login, MAX_PACKET_SIZE, messages, trace);
        try {
            ChannelFuture connect = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ClientPipeline.build(ch.pipeline(), endpoint, ssl, MAX_PACKET_SIZE, timeoutMillis, protocol);
                        }
                    })
                    .connect(endpoint.host(), endpoint.port());
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    protocol.connectFailed(connectFailure(f.cause(), endpoint));
                }
            });
            ConnAck ack = await(protocol.connected(), timeout,
                    () -> "no answer from " + endpoint + " within " + seconds(timeout) + " while waiting for "
                            + protocol.stage().waitingFor());
            return new ClientConnection(group, connect.channel(), protocol, ack);
        } catch (ClientFailure | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public ConnAck connAck() {
        return connAck;
    }

    /** How many QoS 1 and 2 publishes the broker takes at once (5.0 Receive Maximum; 65,535 when not said). */
    public int receiveMaximum() {
        return connAck.properties().integer(PropertyId.RECEIVE_MAXIMUM, 65_535);
    }

    /**
     * Subscribes to all {@code filters} in one SUBSCRIBE.
     *
     * @throws ClientFailure REFUSED naming the first filter the SUBACK refused, NETWORK, or TIMEOUT
     */
    public SubAck subscribe(List<Subscribe.Subscription> filters, Duration timeout) throws ClientFailure {
        SubAck ack = await(protocol.subscribe(filters), timeout, () -> "no SUBACK within " + seconds(timeout));
        for (int i = 0; i < filters.size(); i++) {
            int code = i < ack.reasonCodes().size() ? ack.reasonCodes().get(i) : ReasonCode.UNSPECIFIED_ERROR;
            if (ReasonCode.isFailure(code)) {
                String why = protocol.version().isV5() ? Refusals.words(code, ack.properties())
                        : String.format("failure (SUBACK return code 0x%02X)", code);
                throw new ClientFailure(ClientFailure.Kind.REFUSED,
                        "subscription to '" + filters.get(i).filter() + "' refused: " + why);
            }
        }
        return ack;
    }

    /**
     * Publishes one message. The future completes with how the broker settled it (always 0x00 for QoS 0 and for
     * 3.1.1; 5.0 may say 0x10 no matching subscribers, or a refusal such as 0x87 not authorized), or fails with a
     * {@link ClientFailure} when the connection ends first.
     */
    public CompletableFuture<Acknowledgement> publish(String topic, int qos, boolean retain, byte[] payload) {
        return protocol.publish(topic, qos, retain, payload);
    }

    /** Completes normally after {@link #close()}, exceptionally with the {@link ClientFailure} if the connection ends otherwise. */
    public CompletableFuture<Void> closed() {
        return protocol.closed();
    }

    /** Waits for {@code future}, turning its failure or a timeout into a {@link ClientFailure}. */
    public static <T> T await(CompletableFuture<T> future, Duration timeout, java.util.function.Supplier<String> whatTimedOut)
            throws ClientFailure {
        try {
            return future.get(Math.max(0, Math.min(Long.MAX_VALUE / 2, timeout.toNanos())), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClientFailure failure) {
                throw failure;
            }
            throw new ClientFailure(ClientFailure.Kind.NETWORK, String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new ClientFailure(ClientFailure.Kind.TIMEOUT, whatTimedOut.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientFailure(ClientFailure.Kind.TIMEOUT, "interrupted");
        }
    }

    /** Sends DISCONNECT (normal) if still connected, closes, and stops the event loop. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return; // closed already, e.g. by sub's shutdown hook at Ctrl-C
        }
        try {
            protocol.disconnect().get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the connection had ended already, or the broker is slow to close: close it ourselves
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            channel.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(CLOSE_WAIT.toMillis());
        }
    }

    private static ClientFailure connectFailure(Throwable cause, Endpoint endpoint) {
        String where = endpoint.host() + ":" + endpoint.port();
        if (cause instanceof ConnectTimeoutException) {
            return new ClientFailure(ClientFailure.Kind.TIMEOUT, "no TCP connection to " + where + ": " + cause.getMessage());
        }
        if (cause instanceof UnknownHostException) {
            return new ClientFailure(ClientFailure.Kind.NETWORK, "unknown host " + endpoint.host());
        }
        if (cause instanceof ConnectException) {
            return new ClientFailure(ClientFailure.Kind.NETWORK, "cannot connect to " + where
                    + ": connection refused (is a broker listening there?)");
        }
        return new ClientFailure(ClientFailure.Kind.NETWORK, "cannot connect to " + where + ": " + cause.getMessage(), cause);
    }

    private static String seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
