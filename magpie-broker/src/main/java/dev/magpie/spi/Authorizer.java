package dev.magpie.spi;

/**
 * Decides what an authenticated client may do. Authorizers form a chain: the first that answers
 * {@link Decision#ALLOW} or {@link Decision#DENY} decides; if every one answers {@link Decision#NEXT},
 * the broker's default policy applies (allow when no authorizer is configured at all, deny otherwise).
 * Each method defaults to {@code NEXT}, so an implementation overrides only what it cares about.
 *
 * <p><b>Threading:</b> called on the event loop of the connection concerned (the publisher for
 * {@link #authorizePublish}, the subscriber for the other two), so it must answer from memory and quickly.
 *
 * <pre>{@code
 * Authorizer seed = new Authorizer() {
 *     public Decision authorizePublish(ClientInfo c, String topic, int qos, boolean retain) {
 *         return topic.startsWith("/public/") || topic.startsWith("/users/" + c.username() + "/")
 *                 ? Decision.ALLOW : Decision.DENY;
 *     }
 * };
 * }</pre>
 */
public interface Authorizer {

    /** May {@code client} publish to {@code topic}? A denied QoS 1/2 PUBLISH is acknowledged with 0x87 (5.0). */
    default Decision authorizePublish(ClientInfo client, String topic, int qos, boolean retain) {
        return Decision.NEXT;
    }

    /** May {@code client} subscribe to {@code filter}? A denied filter gets a SUBACK failure code. */
    default Decision authorizeSubscribe(ClientInfo client, String filter, int qos) {
        return Decision.NEXT;
    }

    /**
     * May {@code subscriber} receive {@code message}, which matched one of its subscriptions? The subscription
     * itself was already authorized, so here NEXT from every authorizer means "no objection": delivered.
     */
    default Decision authorizeDelivery(ClientInfo subscriber, Message message) {
        return Decision.NEXT;
    }
}
