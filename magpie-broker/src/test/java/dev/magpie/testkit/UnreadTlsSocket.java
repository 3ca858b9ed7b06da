package dev.magpie.testkit;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttDecoder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link UnreadSocket} over TLS: connects with a tiny receive buffer, completes the handshake and CONNECT, then writes
 * packets and never reads. A TLS socket cannot write without blocking, so a writer thread writes and the caller's
 * thread watches its progress; a write blocked for good is ended by closing the socket. Not thread-safe beyond that.
 */
public final class UnreadTlsSocket implements AutoCloseable {
    private final Socket plain;
    private final SSLSocket socket;

    private UnreadTlsSocket(Socket plain, SSLSocket socket) {
        this.plain = plain;
        this.socket = socket;
    }

    /** Connects to {@code 127.0.0.1:port} trusting {@code tls}, sends {@code connect} and reads its accepting CONNACK. */
    public static UnreadTlsSocket connect(SSLContext tls, int port, Connect connect, int receiveBufferBytes) {
        try {
            Socket plain = new Socket();
            plain.setReceiveBufferSize(receiveBufferBytes); // before connecting, so the window stays small
            plain.setSendBufferSize(64 * 1024);
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", port, true);
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            socket.getOutputStream().write(RawMqttClient.encode(connect, connect.version()));
            socket.getOutputStream().flush();
            awaitConnAck(socket.getInputStream(), connect);
            return new UnreadTlsSocket(plain, socket);
        } catch (IOException e) {
            throw new UncheckedIOException("TLS attacker cannot connect to port " + port, e);
        }
    }

    private static void awaitConnAck(InputStream in, Connect connect) throws IOException {
        EmbeddedChannel decoder = new EmbeddedChannel(MqttDecoder.forClient(connect.version(), 1 << 20));
        try {
            byte[] buffer = new byte[512];
            while (true) {
                Object packet = decoder.readInbound();
                if (packet instanceof ConnAck ack) {
                    if (ack.reasonCode() != 0) {
                        throw new AssertionError("TLS attacker refused: " + ack);
                    }
                    return;
                }
                int n = in.read(buffer);
                if (n < 0) {
                    throw new AssertionError("the broker closed the TLS attacker before its CONNACK");
                }
                decoder.writeInbound(Unpooled.copiedBuffer(buffer, 0, n));
            }
        } finally {
            decoder.finishAndReleaseAll();
        }
    }

    /**
     * Writes {@code packet} over and over from a writer thread, never reading, until {@code maxBytes} are written, the
     * writes made no progress for {@code stall}, the broker closed the connection, or {@code deadline} passed.
     */
    public UnreadSocket.Flood flood(byte[] packet, long maxBytes, Duration stall, Duration deadline) throws InterruptedException {
        int copies = Math.max(1, (16 * 1024) / packet.length);
        byte[] chunk = new byte[copies * packet.length];
        for (int i = 0; i < copies; i++) {
            System.arraycopy(packet, 0, chunk, i * packet.length, packet.length);
        }
        AtomicLong written = new AtomicLong();
        AtomicBoolean closed = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                while (written.get() < maxBytes && !Thread.currentThread().isInterrupted()) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                closed.set(true); // reset, broken pipe, or our own close of a blocked write
            }
        }, "tls-attacker-writer");
        writer.setDaemon(true);
        long started = System.nanoTime();
        writer.start();
        long lastProgress = System.nanoTime();
        long lastWritten = 0;
        boolean stalled = false;
        while (writer.isAlive() && System.nanoTime() - started < deadline.toNanos()) {
            writer.join(100);
            long now = written.get();
            if (now != lastWritten) {
                lastWritten = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress >= stall.toNanos()) {
                stalled = true;
                break;
            }
        }
        boolean closedByPeer = closed.get();
        writer.interrupt();
        return new UnreadSocket.Flood(written.get(), stalled, closedByPeer, (System.nanoTime() - started) / 1_000_000);
    }

    /** Waits until the broker has closed the connection (reads and discards until the end or an error). */
    public boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] sink = new byte[64 * 1024];
        try {
            InputStream in = socket.getInputStream();
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                try {
                    if (in.read(sink) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
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
            plain.close(); // first the TCP socket: ends a writer blocked in write, which holds the TLS socket's lock
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort in a test client
        }
    }
}
