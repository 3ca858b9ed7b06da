package dev.magpie.server.client;

/**
 * Why a command-line client could not do what it was asked: the broker refused (a CONNACK, SUBACK, PUBACK,
 * PUBREC or DISCONNECT reason code), the network or TLS failed, or time ran out. The message is one line for
 * the terminal, e.g. {@code connection refused: not authorized (0x87)}; the {@link Kind} picks the exit status.
 */
public final class ClientFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** The three ways a client run fails, each with its own exit status in the CLI. */
    public enum Kind {
        /** The broker answered with a failure reason code (or closed with one). */
        REFUSED,
        /** Name resolution, TCP, TLS, WebSocket or the MQTT byte stream failed. */
        NETWORK,
        /** A step did not finish in time. */
        TIMEOUT
    }

    private final Kind kind;

    public ClientFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ClientFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
