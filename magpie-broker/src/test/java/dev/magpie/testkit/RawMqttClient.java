package dev.magpie.testkit;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttDecoder;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A blocking MQTT client that sends and receives single packets, for spec tests. It keeps no session
 * state and answers nothing by itself (no automatic PUBACK or PINGREQ), so a test sees the broker's
 * behaviour packet by packet, and can send bytes no real client would ({@link #sendRaw}).
 *
 * <p>Incoming bytes go through the strict {@link MqttDecoder#forClient} inside an
 * {@link EmbeddedChannel}, so a broker that sends a malformed packet fails the test with an
 * {@link AssertionError}. Waiting uses the socket's read timeout; there are no sleeps. Not thread-safe:
 * one test thread drives it.
 */
public final class RawMqttClient implements AutoCloseable {
    private static final int MAX_PACKET_SIZE = 268_435_460;
    /** How long the helpers that expect an answer wait for it. */
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final MqttDecoder decoder;
    private final EmbeddedChannel decoderChannel;
    private final Deque<MqttPacket> received = new ArrayDeque<>();
    private final byte[] readBuffer = new byte[16 * 1024];
    private MqttVersion version = MqttVersion.V3_1_1;
    private boolean closedByPeer;
    /** A decoding failure, raised once the packets decoded before it have been received. */
    private AssertionError pendingFailure;

    private RawMqttClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.decoder = MqttDecoder.forClient(version, MAX_PACKET_SIZE);
        this.decoderChannel = new EmbeddedChannel(decoder);
    }

    /** Opens a TCP connection; use {@code 127.0.0.1} (tests only ever talk to this machine). */
    public static RawMqttClient connect(String host, int port) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            return new RawMqttClient(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
        }
    }

    /**
     * Opens a TCP connection from the local address {@code from} (any of 127.0.0.0/8 works on Linux), so a test can
     * play clients on several machines, e.g. an attacker on 127.0.0.2 and a good client on 127.0.0.1.
     */
    public static RawMqttClient connectFrom(String from, String host, int port) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(host, port), 5_000);
            return new RawMqttClient(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect from " + from + " to " + host + ":" + port, e);
        }
    }

    /**
     * Opens a TCP connection to {@code 127.0.0.1:port}, sends {@code connect} and waits for its CONNACK, which must
     * accept it; fails the test otherwise.
     */
    public static RawMqttClient connected(int port, Connect connect) {
        RawMqttClient c = connect("127.0.0.1", port);
        c.send(connect);
        ConnAck ack = c.receive(ConnAck.class, DEFAULT_WAIT);
        if (ack.reasonCode() != 0) {
            c.close();
            throw new AssertionError("CONNACK of " + connect.clientId() + " refused it: " + ack);
        }
        return c;
    }

    /** Subscribes to {@code filter} at {@code qos} (packet id 1) and checks that exactly that QoS was granted. */
    public RawMqttClient subscribe(String filter, int qos) {
        send(new Subscribe(1, List.of(Subscribe.Subscription.of(filter, qos)), MqttProperties.EMPTY));
        SubAck ack = receive(SubAck.class, DEFAULT_WAIT);
        if (ack.packetId() != 1 || !ack.reasonCodes().equals(List.of(qos))) {
            throw new AssertionError("SUBSCRIBE " + filter + " at QoS " + qos + " answered " + ack);
        }
        return this;
    }

    /** A PUBLISH of {@code text} (UTF-8) without DUP, RETAIN or properties. */
    public static Publish publishPacket(String topic, int qos, int packetId, String text) {
        return new Publish(topic, qos, false, false, packetId, text.getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY);
    }

    /** A CONNECT without credentials, will or properties. */
    public static Connect connectPacket(MqttVersion version, String clientId, boolean cleanStart, int keepAliveSeconds) {
        return new Connect(version, clientId, cleanStart, keepAliveSeconds, null, null, null, MqttProperties.EMPTY);
    }

    public MqttVersion version() {
        return version;
    }

    /** Sets the version packets are encoded and decoded in (a CONNECT sent with {@link #send} sets it too). */
    public RawMqttClient version(MqttVersion newVersion) {
        this.version = newVersion;
        decoder.version(newVersion);
        return this;
    }

    /** Encodes {@code packet} in the current version and sends it; a CONNECT first switches to its version. */
    public RawMqttClient send(MqttPacket packet) {
        if (packet instanceof Connect connect) {
            version(connect.version());
        }
        return sendRaw(encode(packet));
    }

    /**
     * Encodes {@code packets} in the current version and sends them in one write, so they reach the broker together
     * (usually in one read): what a test needs to see how the broker treats packets buffered behind another.
     */
    public RawMqttClient sendTogether(MqttPacket... packets) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (MqttPacket packet : packets) {
            all.writeBytes(encode(packet));
        }
        return sendRaw(all.toByteArray());
    }

    /** The bytes of {@code packet} in the current version. */
    public byte[] encode(MqttPacket packet) {
        return encode(packet, version);
    }

    /** The bytes of {@code packet} in {@code version} (a CONNECT is always in its own). */
    public static byte[] encode(MqttPacket packet, MqttVersion version) {
        ByteBuf buf = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, packet, version);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Sends bytes exactly as given. */
    public RawMqttClient sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("sending " + bytes.length + " bytes failed", e);
        }
    }

    /** The next packet; fails the test if none arrives within {@code timeout} or the server closes first. */
    public MqttPacket receive(Duration timeout) {
        return poll(timeout).orElseThrow(() -> new AssertionError(closedByPeer
                ? "the server closed the connection instead of sending a packet"
                : "no packet within " + timeout.toMillis() + " ms"));
    }

    /** The next packet, which must be a {@code type}. */
    public <T extends MqttPacket> T receive(Class<T> type, Duration timeout) {
        MqttPacket packet = receive(timeout);
        if (!type.isInstance(packet)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but received " + packet);
        }
        return type.cast(packet);
    }

    /**
     * The first PUBLISH that arrives within {@code quiet}, skipping other packets; empty if none does (or the
     * server closed). Tests assert it empty to say "nothing is delivered".
     */
    public Optional<Publish> publishWithin(Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        for (long left = quiet.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            Optional<MqttPacket> p = poll(Duration.ofNanos(left));
            if (p.isEmpty()) {
                return Optional.empty();
            }
            if (p.get() instanceof Publish publish) {
                return Optional.of(publish);
            }
        }
        return Optional.empty();
    }

    /** The next packet if one arrives within {@code timeout}; empty on timeout or when the server has closed. */
    public Optional<MqttPacket> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.isEmpty() && !closedByPeer && pendingFailure == null) {
            if (!readSome(deadline)) {
                break;
            }
        }
        if (received.isEmpty() && pendingFailure != null) {
            throw pendingFailure;
        }
        return Optional.ofNullable(received.poll());
    }

    /**
     * Waits until the server closes the connection (end of stream or reset). Packets that arrive before
     * are kept for {@link #receive}. Returns false if the connection is still open at the deadline.
     */
    public boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closedByPeer) {
            if (pendingFailure != null) {
                throw pendingFailure;
            }
            if (!readSome(deadline)) {
                return closedByPeer;
            }
        }
        return true;
    }

    /** Reads once, up to the deadline; false on timeout. Sets {@link #closedByPeer} on end of stream or reset. */
    private boolean readSome(long deadline) {
        long remainingMillis = (deadline - System.nanoTime() + 999_999) / 1_000_000;
        if (remainingMillis <= 0) {
            return false;
        }
        int n;
        try {
            socket.setSoTimeout((int) Math.min(remainingMillis, Integer.MAX_VALUE));
            n = in.read(readBuffer);
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            // a reset (or our own socket closed) counts as closed: the server dropped the connection
            closedByPeer = true;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (n < 0) {
            closedByPeer = true;
            return true;
        }
        try {
            decoderChannel.writeInbound(Unpooled.copiedBuffer(readBuffer, 0, n));
        } catch (DecoderException e) {
            pendingFailure = new AssertionError("the server sent a malformed packet: " + e.getCause().getMessage(), e.getCause());
        }
        for (Object o = decoderChannel.readInbound(); o != null; o = decoderChannel.readInbound()) {
            received.add((MqttPacket) o);
        }
        return true;
    }

    @Override
    public void close() {
        closeQuietly(socket);
        decoderChannel.finishAndReleaseAll();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort in a test client
        }
    }
}
