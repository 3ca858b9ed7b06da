package dev.magpie.server.doctor;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The client side of WebSocket framing (RFC 6455 section 5) for MQTT: binary frames out, masked as a client
 * must [RFC 6455 5.1]; binary and continuation frames in, pings answered, a close frame reported with its code
 * and reason (a broker that refuses MQTT often says why there).
 */
final class WebSocketLink implements MqttLink {

    /** Longest frame accepted from the server: a CONNACK is a few bytes, so anything larger is a fault. */
    private static final int MAX_FRAME = 1 << 20;
    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Connection connection;

    WebSocketLink(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void send(byte[] bytes) throws IOException {
        writeFrame(BINARY, bytes);
    }

    @Override
    public byte[] receive() throws IOException {
        DataInputStream in = new DataInputStream(connection.in());
        for (int frames = 0; frames < 64; frames++) {
            int first;
            int second;
            try {
                first = in.readUnsignedByte();
                second = in.readUnsignedByte();
            } catch (EOFException e) {
                throw new EOFException("the server closed the connection without a WebSocket close frame");
            }
            int opcode = first & 0x0F;
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if (length < 0 || length > MAX_FRAME) {
                throw new IOException("the server sent a WebSocket frame of " + length + " bytes");
            }
            byte[] mask = null;
            if ((second & 0x80) != 0) { // a server must not mask [RFC 6455 5.1]; read it anyway to say what came
                mask = new byte[4];
                in.readFully(mask);
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
            }
            switch (opcode) {
                case BINARY, CONTINUATION -> {
                    if (payload.length > 0) {
                        return payload;
                    }
                }
                case TEXT -> throw new IOException("the server sent a text frame; MQTT travels in binary frames");
                case CLOSE -> throw closed(payload);
                case PING -> writeFrame(PONG, payload);
                case PONG -> {
                    // unsolicited pong: ignore [RFC 6455 5.5.3]
                }
                default -> throw new IOException("the server sent a WebSocket frame with unknown opcode " + opcode);
            }
        }
        throw new IOException("the server sent 64 control frames and no data");
    }

    @Override
    public void closeGracefully() {
        try {
            writeFrame(CLOSE, new byte[]{0x03, (byte) 0xE8}); // 1000 normal closure
        } catch (IOException e) {
            // the connection is going away anyway
        }
    }

    private static ClosedException closed(byte[] payload) {
        if (payload.length < 2) {
            return new ClosedException(-1, "");
        }
        int code = (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
        return new ClosedException(code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
    }

    private void writeFrame(int opcode, byte[] payload) throws IOException {
        int headerLength = 2 + (payload.length < 126 ? 0 : payload.length < 65536 ? 2 : 8) + 4;
        byte[] frame = new byte[headerLength + payload.length];
        frame[0] = (byte) (0x80 | opcode); // FIN: MQTT packets here are small, one frame each
        int i = 1;
        if (payload.length < 126) {
            frame[i++] = (byte) (0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame[i++] = (byte) (0x80 | 126);
            frame[i++] = (byte) (payload.length >>> 8);
            frame[i++] = (byte) payload.length;
        } else {
            frame[i++] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame[i++] = (byte) ((long) payload.length >>> shift);
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        System.arraycopy(mask, 0, frame, i, 4);
        i += 4;
        for (int j = 0; j < payload.length; j++) {
            frame[i + j] = (byte) (payload[j] ^ mask[j % 4]);
        }
        connection.out().write(frame);
        connection.out().flush();
    }
}
