package dev.magpie.spi;

/**
 * Notifications of what happens in the broker, for logging, metrics or reacting in code (the seed's
 * {@code clientConnected}, {@code subscribed}, {@code published} handlers). Every method has an empty
 * default. A listener may call {@code Broker.publish} from any method.
 *
 * <p><b>Threading:</b> called on the event loop of the connection concerned, after the fact. It must not
 * block; hand slow work to an executor. An exception thrown by a listener is logged and ignored.
 */
public interface BrokerListener {

    default void clientConnected(ClientInfo client) {
    }

    /** {@code reason} says why, e.g. "client disconnected", "keep-alive timeout", "session taken over". */
    default void clientDisconnected(ClientInfo client, String reason) {
    }

    default void subscribed(ClientInfo client, String filter, int grantedQos) {
    }

    default void unsubscribed(ClientInfo client, String filter) {
    }

    /** A message was accepted for routing; {@code publisher} is {@link ClientInfo#SERVER} for the broker's own. */
    default void published(ClientInfo publisher, Message message) {
    }

    /** A message was written to {@code subscriber}'s connection. */
    default void delivered(ClientInfo subscriber, Message message) {
    }

    /**
     * A message for {@code subscriber}'s session was discarded instead of delivered; {@code reason} is the tag counted in
     * {@code magpie.messages.dropped.by_reason}: {@code queue_full}, {@code queue_full_bytes}, {@code expired} or
     * {@code too_large_for_client}.
     */
    default void dropped(ClientInfo subscriber, Message message, String reason) {
    }

    /** A client broke the protocol or failed authentication; {@code error} is the one-line reason. */
    default void clientError(ClientInfo client, String error) {
    }
}
