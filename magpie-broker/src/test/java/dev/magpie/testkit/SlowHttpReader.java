package dev.magpie.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP client that asks for a (big) file and then reads no more than the answer's head: the attacker of
 * issue 10's "slow readers" finding. Its receive buffer is made small before connecting, so the server's
 * output piles up on the server side instead of in the client's kernel. Optionally bound to another loopback
 * source address ({@code 127.0.0.2}), so that tests can tell per-address limits from listener-wide ones.
 *
 * <pre>{@code
 * try (SlowHttpReader reader = SlowHttpReader.get(port, "/big.bin")) {
 *     assertThat(reader.head()).startsWith("HTTP/1.1 200");
 *     assertThat(reader.drainUntilClosed()).isLessThan(fileSize);   // the server gave up on it
 * }
 * }</pre>
 */
public final class SlowHttpReader implements AutoCloseable {
    private static final int RECEIVE_BUFFER = 4096;

    private final Socket socket;
    private final InputStream in;
    private String head;
    private long bodyBytesRead;

    private SlowHttpReader(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Connects from 127.0.0.1 and sends {@code GET path}, keeping the connection open. */
    public static SlowHttpReader get(int port, String path) throws IOException {
        return get(InetAddress.getLoopbackAddress(), port, path);
    }

    /** Connects from {@code source} (a loopback address) and sends {@code GET path}. */
    public static SlowHttpReader get(InetAddress source, int port, String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(RECEIVE_BUFFER);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return new SlowHttpReader(socket);
    }

    /** Reads the answer's status line and headers (and nothing more than needed for them). */
    public synchronized String head() throws IOException {
        if (head == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                out.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            head = out.toString(StandardCharsets.ISO_8859_1);
        }
        return head;
    }

    /**
     * Reads everything the server sent until it closed the connection and returns the number of body bytes;
     * throws if the server has not closed it within the socket timeout (10 s).
     */
    public synchronized long drainUntilClosed() throws IOException {
        head();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bodyBytesRead += n;
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("the server kept the connection open (" + bodyBytesRead + " body bytes read)", e);
        } catch (SocketException e) {
            // a reset: the server closed with our unread bytes, equally an end
        }
        return bodyBytesRead;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
