package dev.magpie.server.doctor;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A TCP socket that remembers the first bytes the server sent. A TLS handshake layered on it reads through
 * {@link #getInputStream()}, so when the handshake fails the bytes tell why: "HTTP/1.1 400" means the port
 * speaks plain HTTP, {@code 0x15 0x03 …} is a TLS alert from the server, nothing at all means it hung up.
 */
final class RecordingSocket extends Socket {

    private static final int KEPT = 64;

    private final byte[] first = new byte[KEPT];
    private int count;
    private InputStream in;

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (in == null) {
            in = new Recorder(super.getInputStream());
        }
        return in;
    }

    /** Up to the first 64 bytes received. */
    synchronized byte[] firstBytes() {
        return Arrays.copyOf(first, count);
    }

    /** True when the server's first bytes look like an HTTP response. */
    boolean receivedHttp() {
        return new String(firstBytes(), StandardCharsets.ISO_8859_1).startsWith("HTTP/");
    }

    /**
     * The description of a TLS alert record if that is what the server sent first (RFC 8446 section 6: content
     * type 21, version, length 2, level, description), else -1.
     */
    int alertDescription() {
        byte[] bytes = firstBytes();
        return bytes.length >= 7 && bytes[0] == 21 && bytes[1] == 3 ? bytes[6] & 0xFF : -1;
    }

    private synchronized void record(byte[] bytes, int offset, int length) {
        int n = Math.min(length, KEPT - count);
        if (n > 0) {
            System.arraycopy(bytes, offset, first, count, n);
            count += n;
        }
    }

    private final class Recorder extends FilterInputStream {
        Recorder(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                record(new byte[]{(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                record(b, off, n);
            }
            return n;
        }
    }
}
