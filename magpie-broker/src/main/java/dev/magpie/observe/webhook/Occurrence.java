package dev.magpie.observe.webhook;

import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Message;

/**
 * One event as the broker's thread hands it over: just the references the listener call gave (no copy, no JSON), so
 * that enqueueing costs an allocation and a few atomic operations on the I/O thread; the body is rendered later by a
 * webhook worker ({@link EventJson}).
 *
 * @param event       what happened
 * @param epochMillis when (wall clock), taken on the broker's thread
 * @param client      the client concerned: the connecting one, the subscriber, or the publisher ({@link ClientInfo#SERVER})
 * @param message     the message of {@code message.*} events, else null; its payload is shared, never changed
 * @param filter      the topic filter of {@code client.subscribed} / {@code unsubscribed}, else null
 * @param qos         the granted QoS of {@code client.subscribed}
 * @param reason      why a client disconnected or a message was dropped, else null
 */
record Occurrence(WebhookEvent event, long epochMillis, ClientInfo client, Message message, String filter, int qos,
                  String reason) {
    /** What an event costs besides its payload and strings: the record, the client, the rendered JSON's framing. */
    static final int OVERHEAD_BYTES = 512;

    static Occurrence of(WebhookEvent event, ClientInfo client) {
        return new Occurrence(event, System.currentTimeMillis(), client, null, null, 0, null);
    }

    /** The topic a webhook's filters are matched against, or null for a {@code client.*} event. */
    String topic() {
        return message == null ? null : message.topic();
    }

    /**
     * What holding this event costs, roughly, counted against {@code max_queued_bytes}: the payload (shared with the
     * broker while it routes, then only ours), strings at two bytes a character, and {@link #OVERHEAD_BYTES}.
     */
    long heldBytes() {
        long bytes = OVERHEAD_BYTES + 2L * (length(filter) + length(reason) + length(client.clientId()) + length(client.username()));
        if (message != null) {
            bytes += 2L * message.topic().length() + message.payload().length;
        }
        return bytes;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }
}
