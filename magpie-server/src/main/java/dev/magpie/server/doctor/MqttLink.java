package dev.magpie.server.doctor;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * How MQTT bytes travel after the handshakes: straight over the (TLS) stream for {@code mqtt}/{@code mqtts}, or
 * in WebSocket binary frames ({@link WebSocketLink}). Both are byte streams to MQTT: a chunk received may hold
 * part of a packet or several.
 */
interface MqttLink {

    void send(byte[] bytes) throws IOException;

    /** The next bytes from the server; {@link EOFException} when it closed, {@link ClosedException} for a close frame. */
    byte[] receive() throws IOException;

    /** Ends the connection politely (a WebSocket close frame), best effort. */
    void closeGracefully();

    /** The server closed the WebSocket with a close frame: its status code and reason. */
    final class ClosedException extends IOException {
        private final int code;

        ClosedException(int code, String reason) {
            super(reason);
            this.code = code;
        }

        /** The RFC 6455 status code, or -1 if the frame carried none. */
        int code() {
            return code;
        }
    }

    /** MQTT straight over the connection's stream. */
    static MqttLink direct(Connection connection) {
        return new MqttLink() {
            @Override
            public void send(byte[] bytes) throws IOException {
                connection.out().write(bytes);
                connection.out().flush();
            }

            @Override
            public byte[] receive() throws IOException {
                byte[] buffer = new byte[4096];
                int n = connection.in().read(buffer);
                if (n < 0) {
                    throw new EOFException("the server closed the connection");
                }
                return Arrays.copyOf(buffer, n);
            }

            @Override
            public void closeGracefully() {
                // TCP: closing the socket is all there is
            }
        };
    }
}
