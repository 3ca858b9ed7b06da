package dev.magpie.codec;

/**
 * A packet that breaks the wire format or a protocol rule the decoder can see. The connection must be
 * closed; for 5.0 clients after a DISCONNECT with {@link #reasonCode()} where the spec allows it.
 * Stack traces are suppressed because this is an expected condition, reported as one log line.
 */
public final class MalformedPacketException extends RuntimeException {
    private final int reasonCode;

    public MalformedPacketException(int reasonCode, String message) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
    }

    public MalformedPacketException(String message) {
        this(ReasonCode.MALFORMED_PACKET, message);
    }

    public int reasonCode() {
        return reasonCode;
    }
}
