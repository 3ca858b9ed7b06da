package dev.magpie.observe.webhook;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a webhook can be told about, by the name it carries on the wire (the {@code event} field of the JSON body and
 * the {@code X-Magpie-Event} header) and in the config's {@code events:} list. The {@code message.*} events are the
 * ones a webhook's topic filters apply to.
 */
public enum WebhookEvent {
    /** A client's CONNECT was accepted. */
    CLIENT_CONNECTED("client.connected"),
    /** A client's connection ended; the body's {@code reason} says why ("client disconnected", "keep-alive timeout", ...). */
    CLIENT_DISCONNECTED("client.disconnected"),
    /** A client was granted a subscription ({@code filter}, {@code qos}). */
    CLIENT_SUBSCRIBED("client.subscribed"),
    /** A client removed a subscription ({@code filter}). */
    CLIENT_UNSUBSCRIBED("client.unsubscribed"),
    /** A message was accepted for routing (after interceptors), from a client or the broker itself. */
    MESSAGE_PUBLISHED("message.published"),
    /** A message was written to a subscriber's connection; one event per subscriber. */
    MESSAGE_DELIVERED("message.delivered"),
    /** A message for a subscriber's session was discarded (queue full, expired, too large for the client). */
    MESSAGE_DROPPED("message.dropped");

    private final String wireName;

    WebhookEvent(String wireName) {
        this.wireName = wireName;
    }

    /** {@code client.connected}, {@code message.published}, ... */
    public String wireName() {
        return wireName;
    }

    /** Whether the webhook's topic filters decide if it is sent. */
    public boolean isMessageEvent() {
        return wireName.startsWith("message.");
    }

    /** The event named {@code name} ({@code client.connected}, ...), if there is one. */
    public static Optional<WebhookEvent> named(String name) {
        return Arrays.stream(values()).filter(e -> e.wireName.equals(name)).findFirst();
    }

    /** All wire names, comma-separated, for error messages. */
    public static String allNames() {
        return Arrays.stream(values()).map(WebhookEvent::wireName).collect(Collectors.joining(", "));
    }
}
