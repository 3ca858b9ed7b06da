package dev.magpie.codec;

import java.util.Optional;

/**
 * A packet that breaks the wire format or a protocol rule the decoder can see. The connection must be
 * closed; for 5.0 clients after a DISCONNECT with {@link #reasonCode()} where the spec allows it.
 * Stack traces are suppressed because this is an expected condition, reported as one log line.
 *
 * <p>When the packet was a CONNECT whose protocol name and level had been read, {@link #connectVersion()}
 * says which version it named, so the server can refuse it with a CONNACK in that version's format.
 */
public final class MalformedPacketException extends RuntimeException {
    private final int reasonCode;
    private final MqttVersion connectVersion;

    public MalformedPacketException(int reasonCode, String message) {
        this(reasonCode, message, null);
    }

    public MalformedPacketException(String message) {
        this(ReasonCode.MALFORMED_PACKET, message);
    }

    private MalformedPacketException(int reasonCode, String message, MqttVersion connectVersion) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
        this.connectVersion = connectVersion;
    }

    public int reasonCode() {
        return reasonCode;
    }

    /** The version a failed CONNECT named; empty for other packets and for a CONNECT that failed before its level. */
    public Optional<MqttVersion> connectVersion() {
        return Optional.ofNullable(connectVersion);
    }

    /** The same failure, known to be in a CONNECT that named {@code version}. */
    MalformedPacketException inConnect(MqttVersion version) {
        return new MalformedPacketException(reasonCode, getMessage(), version);
    }
}
