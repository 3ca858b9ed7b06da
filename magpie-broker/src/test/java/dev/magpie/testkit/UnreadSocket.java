package dev.magpie.testkit;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttDecoder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * An attacker that connects, reads its CONNACK and from then on never reads again: its receive window stays closed
 * (a tiny {@code SO_RCVBUF}), so whatever the broker answers piles up on the broker's side. It writes packets
 * without blocking, for a bounded number of bytes and a bounded time, and reports whether the broker stopped
 * reading it (its writes made no progress) or closed it. Issue 10: PINGREQ, PUBLISH QoS 1 or SUBSCRIBE without
 * reading must not exhaust the broker.
 *
 * <pre>{@code
 * try (UnreadSocket attacker = UnreadSocket.connect(port, RawMqttClient.connectPacket(V5, "x", true, 60), 4096)) {
 *     UnreadSocket.Flood f = attacker.flood(new byte[] {(byte) 0xC0, 0}, 64 << 20, Duration.ofSeconds(1), Duration.ofSeconds(20));
 * }
 * }</pre>
 * Not thread-safe: one thread drives it.
 */
public final class UnreadSocket implements AutoCloseable {
    private static final Duration CONNACK_WAIT = Duration.ofSeconds(5);

    private final SocketChannel channel;
    private final Selector selector;
    /** Whether MQTT travels in WebSocket binary frames (RFC 6455), after an upgrade. */
    private boolean framed;

    /** What one flood achieved. */
    public record Flood(long bytesWritten, boolean stalled, boolean closedByPeer, long millis) {
        public double megabytes() {
            return bytesWritten / (1024.0 * 1024.0);
        }
    }

    private UnreadSocket(SocketChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    /**
     * Connects to {@code 127.0.0.1:port} with a receive buffer of {@code receiveBufferBytes} (set before connecting,
     * so the window the broker sees stays small), sends {@code connect} and reads its CONNACK, which must accept it.
     */
    public static UnreadSocket connect(int port, Connect connect, int receiveBufferBytes) {
        return open(port, connect, receiveBufferBytes, null);
    }

    /**
     * As {@link #connect}, over WebSocket: upgrades {@code path} with subprotocol {@code mqtt} first, then sends every
     * packet, the flood's included, in masked binary frames (the client side of RFC 6455).
     */
    public static UnreadSocket connectWebSocket(int port, String path, Connect connect, int receiveBufferBytes) {
        return open(port, connect, receiveBufferBytes, path);
    }

    private static UnreadSocket open(int port, Connect connect, int receiveBufferBytes, String webSocketPath) {
        try {
            SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(new InetSocketAddress("127.0.0.1", port));
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            UnreadSocket socket = new UnreadSocket(channel, selector);
            if (webSocketPath != null) {
                socket.upgrade(port, webSocketPath);
            }
            socket.handshake(connect);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("attacker cannot connect to port " + port, e);
        }
    }

    private void upgrade(int port, String path) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n";
        long deadline = System.nanoTime() + CONNACK_WAIT.toNanos();
        writeFully(ByteBuffer.wrap(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), deadline);
        StringBuilder response = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1); // byte by byte: nothing of the first frame may be read with the headers
        while (!response.toString().endsWith("\r\n\r\n")) {
            one.clear();
            int n = channel.read(one);
            if (n < 0) {
                throw new AssertionError("the broker closed the attacker during the WebSocket upgrade: " + response);
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, deadline);
                continue;
            }
            response.append((char) one.get(0));
        }
        if (!response.toString().startsWith("HTTP/1.1 101")) {
            throw new AssertionError("WebSocket upgrade refused: " + response);
        }
        framed = true;
    }

    /** {@code mqtt} as sent on the wire: as is, or in one masked binary frame (mask key 0, so the payload reads as is). */
    private byte[] wire(byte[] mqtt) {
        if (!framed) {
            return mqtt;
        }
        int header = mqtt.length < 126 ? 2 : mqtt.length < 65_536 ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + 4 + mqtt.length);
        frame.put((byte) 0x82); // FIN, binary
        if (mqtt.length < 126) {
            frame.put((byte) (0x80 | mqtt.length));
        } else if (mqtt.length < 65_536) {
            frame.put((byte) (0x80 | 126)).putShort((short) mqtt.length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(mqtt.length);
        }
        frame.putInt(0).put(mqtt);
        return frame.array();
    }

    private void writeFully(ByteBuffer out, long deadline) throws IOException {
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE, deadline);
            }
        }
    }

    private void handshake(Connect connect) throws IOException {
        long deadline = System.nanoTime() + CONNACK_WAIT.toNanos();
        writeFully(ByteBuffer.wrap(wire(RawMqttClient.encode(connect, connect.version()))), deadline);
        EmbeddedChannel decoder = new EmbeddedChannel(MqttDecoder.forClient(connect.version(), 1 << 20));
        try {
            ByteBuffer in = ByteBuffer.allocate(512);
            while (true) {
                Object packet = decoder.readInbound();
                if (packet instanceof ConnAck ack) {
                    if (ack.reasonCode() != 0) {
                        throw new AssertionError("attacker refused: " + ack);
                    }
                    return;
                }
                if (packet != null) {
                    throw new AssertionError("expected CONNACK, got " + packet);
                }
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    throw new AssertionError("the broker closed the attacker before its CONNACK");
                }
                if (n == 0) {
                    await(SelectionKey.OP_READ, deadline);
                    continue;
                }
                in.flip();
                if (framed) {
                    in.position(2); // the broker's frame holding the CONNACK: unmasked, short (RFC 6455 5.2)
                }
                decoder.writeInbound(Unpooled.copiedBuffer(in));
            }
        } finally {
            decoder.finishAndReleaseAll();
        }
    }

    /** Waits until the channel is ready for {@code op}; fails at the deadline. */
    private void await(int op, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || !ready(op, left)) {
            throw new AssertionError("attacker: the broker did not answer CONNECT within " + CONNACK_WAIT.toMillis() + " ms");
        }
    }

    private boolean ready(int op, long millis) throws IOException {
        SelectionKey key = channel.register(selector, op);
        try {
            return selector.select(Math.max(1, millis)) > 0;
        } finally {
            key.interestOps(0);
            selector.selectedKeys().clear();
        }
    }

    /** Writes {@code mqtt} (whole packets) once, in one frame over WebSocket, and still reads nothing. */
    public void send(byte[] mqtt) {
        try {
            writeFully(ByteBuffer.wrap(wire(mqtt)), System.nanoTime() + CONNACK_WAIT.toNanos());
        } catch (IOException e) {
            throw new UncheckedIOException("attacker cannot write", e);
        }
    }

    /**
     * Writes {@code packet} (the encoded bytes of one or more whole packets, in one frame over WebSocket) over and
     * over, never reading, until
     * {@code maxBytes} are written, no byte could be written for {@code stall} (the broker stopped reading), the
     * broker closed the connection, or {@code deadline} passed.
     */
    public Flood flood(byte[] mqtt, long maxBytes, Duration stall, Duration deadline) {
        byte[] packet = wire(mqtt);
        int copies = Math.max(1, (64 * 1024) / packet.length);
        ByteBuffer chunk = ByteBuffer.allocate(copies * packet.length);
        for (int i = 0; i < copies; i++) {
            chunk.put(packet);
        }
        long started = System.nanoTime();
        long end = started + deadline.toNanos();
        long written = 0;
        boolean stalled = false;
        boolean closed = false;
        try {
            while (written < maxBytes && System.nanoTime() < end) {
                if (!chunk.hasRemaining()) {
                    chunk.clear();
                }
                int n = channel.write(chunk);
                written += n;
                if (n == 0 && !ready(SelectionKey.OP_WRITE, stall.toMillis())) {
                    stalled = true;
                    break;
                }
            }
        } catch (IOException e) {
            closed = true; // reset or broken pipe: the broker closed us
        }
        return new Flood(written, stalled, closed, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Waits until the broker has closed the connection: reads (only now) and discards what it had sent, until the
     * end of the stream or a reset. False if it is still open at the end of {@code timeout}.
     */
    public boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        try {
            while (System.nanoTime() < deadline) {
                sink.clear();
                int n = channel.read(sink);
                if (n < 0) {
                    return true;
                }
                if (n == 0 && !ready(SelectionKey.OP_READ, Math.max(1, (deadline - System.nanoTime()) / 1_000_000))) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort in a test client
        }
    }
}
