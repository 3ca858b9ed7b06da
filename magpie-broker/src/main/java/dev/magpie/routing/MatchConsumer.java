package dev.magpie.routing;

/**
 * Receives one matching (filter, client) pair from {@link SubscriptionTree#match}.
 *
 * <p>It is called on the matching thread, usually a Netty event loop, and must not block. A client with two
 * overlapping filters is reported once per filter; aggregating them (highest QoS, all subscription
 * identifiers) is the caller's job.
 *
 * @param <V> the subscription record stored in the tree
 */
@FunctionalInterface
public interface MatchConsumer<V> {

    void accept(String clientId, String filter, V value);
}
