package dev.magpie.session;

/**
 * Why a message for a session was discarded, as counted in {@code magpie.messages.dropped.by_reason{reason=…}}
 * (the {@link #tag()}) and said in the debug log (the {@link #text()}).
 */
public enum DropReason {
    /** The queue holds {@code max_queued_messages} already (queued QoS 0 made room first). */
    QUEUE_FULL("queue_full", "queue full"),
    /** The queue holds {@code max_queued_bytes} already. */
    QUEUE_FULL_BYTES("queue_full_bytes", "queue full (bytes)"),
    /** Its Message Expiry Interval passed before it could be sent [MQTT-3.3.2-5]. */
    EXPIRED("expired", "message expired"),
    /** Larger than the client's Maximum Packet Size [MQTT-3.1.2-25]. */
    TOO_LARGE_FOR_CLIENT("too_large_for_client", "larger than the client's Maximum Packet Size");

    private final String tag;
    private final String text;

    DropReason(String tag, String text) {
        this.tag = tag;
        this.text = text;
    }

    public String tag() {
        return tag;
    }

    public String text() {
        return text;
    }
}
