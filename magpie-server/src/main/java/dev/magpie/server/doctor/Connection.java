package dev.magpie.server.doctor;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The one connection the checks share, as a mini program has one: TCP, then TLS over it, then the WebSocket
 * and MQTT bytes over that. Reads have a deadline per step ({@link #startStep}): before each read the socket's
 * timeout is set to what is left, so a server that trickles bytes cannot stretch a step past its timeout.
 */
final class Connection implements AutoCloseable {

    private final RecordingSocket raw;
    private Socket top;
    private InputStream in;
    private OutputStream out;
    private long deadlineNanos;
    private boolean clientCertificateRequested;

    Connection(RecordingSocket raw) throws IOException {
        this.raw = raw;
        use(raw);
    }

    /** From now on, talk through {@code socket} (a TLS socket layered on the raw one). */
    void use(Socket socket) throws IOException {
        this.top = socket;
        this.in = new BufferedInputStream(new DeadlineInput(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /** Reads from now on must finish within {@code timeout}. */
    void startStep(Duration timeout) {
        deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /** Whether the TLS handshake had a request for a client certificate (which the doctor never has). */
    void clientCertificateRequested(boolean requested) {
        clientCertificateRequested = requested;
    }

    boolean clientCertificateRequested() {
        return clientCertificateRequested;
    }

    RecordingSocket raw() {
        return raw;
    }

    Socket socket() {
        return top;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    @Override
    public void close() {
        try {
            top.close();
        } catch (IOException e) {
            // closing after the checks; nothing left to report
        }
        try {
            raw.close();
        } catch (IOException e) {
            // as above
        }
    }

    private final class DeadlineInput extends FilterInputStream {
        DeadlineInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            beforeRead();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            beforeRead();
            return super.read(b, off, len);
        }

        private void beforeRead() throws IOException {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("step deadline passed");
            }
            top.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        }
    }
}
