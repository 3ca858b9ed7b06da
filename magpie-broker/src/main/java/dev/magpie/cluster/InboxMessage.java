package dev.magpie.cluster;

import java.util.Arrays;
import java.util.Objects;

/**
 * One message for another node's inbox, stamped by its sender with (origin, incarnation, sequence). Sequences count
 * per origin incarnation and destination from 1, so a receiver drops a message it has already seen
 * ({@link InboxDeduper}) when the inbox hands it over again (at-least-once delivery after a reconnect or a failed
 * acknowledgement), or when the sender resent it after an answer it never got.
 *
 * @param origin the sending node's identity
 * @param seq    the sender's number for this message towards this destination
 * @param body   opaque bytes (the broker layer decides the encoding); not copied, do not change it after sending
 */
public record InboxMessage(NodeIdentity origin, long seq, byte[] body) {
    public InboxMessage {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(body, "body");
        if (seq <= 0) {
            throw new IllegalArgumentException("seq must be positive, was " + seq);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InboxMessage that && origin.equals(that.origin) && seq == that.seq
                && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, seq) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "InboxMessage[" + origin + " seq " + seq + ", " + body.length + " bytes]";
    }
}
