package dev.magpie.spi;

import java.util.Optional;

/**
 * Sees every PUBLISH after authorization and before routing, and may let it pass, change it or drop it
 * (mosca's {@code authorizePublish} could do the same). Interceptors run in the order they were added,
 * each on the previous one's result. A dropped QoS 1/2 message is still acknowledged to its publisher.
 *
 * <p><b>Threading:</b> called on the publisher's event loop (or the caller's thread for
 * {@code Broker.publish}); it must not block.
 *
 * <pre>{@code
 * Interceptor stamp = (client, message) -> message.topic().startsWith("/secret/")
 *         ? Optional.empty()                                   // drop
 *         : Optional.of(message.withPayload(sign(message.payload())));   // change
 * }</pre>
 */
@FunctionalInterface
public interface Interceptor {
    /** Returns the message to route (the same, or a changed one), or empty to drop it. */
    Optional<Message> onPublish(ClientInfo publisher, Message message);
}
