package dev.magpie;

/**
 * The optional MQTT features the broker offers. Each one is advertised to 5.0 clients in CONNACK exactly as
 * configured here [MQTT-3.2.2.3], and enforced: a client that uses a feature it was told is unavailable is
 * refused with the reason code the spec gives (e.g. QoS above {@code maximumQos} → DISCONNECT 0x9B).
 * 3.1/3.1.1 clients cannot be told, but the same limits apply to them (a SUBACK failure, or the QoS
 * downgraded).
 *
 * @param maximumQos                     highest QoS accepted from and granted to clients (0, 1 or 2)
 * @param retainAvailable                whether retained messages are kept
 * @param wildcardSubscriptions          whether filters may contain {@code +} and {@code #}
 * @param sharedSubscriptions            whether {@code $share/group/filter} subscriptions are served
 * @param subscriptionIdentifiers        whether 5.0 Subscription Identifiers are accepted and delivered
 * @param topicAliasMaximum              topic aliases a 5.0 client may use towards the broker (0 = none)
 * @param responseInformation            the Response Information prefix sent when a 5.0 client asks for one;
 *                                       the client id is appended (empty = never sent)
 */
public record BrokerCapabilities(int maximumQos, boolean retainAvailable, boolean wildcardSubscriptions,
                                 boolean sharedSubscriptions, boolean subscriptionIdentifiers, int topicAliasMaximum,
                                 String responseInformation) {

    public BrokerCapabilities {
        if (maximumQos < 0 || maximumQos > 2) {
            throw new IllegalArgumentException("maximumQos must be 0, 1 or 2, was " + maximumQos);
        }
        if (topicAliasMaximum < 0 || topicAliasMaximum > 65_535) {
            throw new IllegalArgumentException("topicAliasMaximum must be 0..65535, was " + topicAliasMaximum);
        }
        if (responseInformation == null) {
            throw new IllegalArgumentException("responseInformation must not be null (use \"\" for none)");
        }
    }

    /** Everything on: QoS 2, retained, wildcards, shared subscriptions, identifiers, 64 topic aliases. */
    public static BrokerCapabilities all() {
        return new BrokerCapabilities(2, true, true, true, true, 64, "");
    }

    public BrokerCapabilities withMaximumQos(int v) {
        return new BrokerCapabilities(v, retainAvailable, wildcardSubscriptions, sharedSubscriptions, subscriptionIdentifiers, topicAliasMaximum, responseInformation);
    }

    public BrokerCapabilities withRetainAvailable(boolean v) {
        return new BrokerCapabilities(maximumQos, v, wildcardSubscriptions, sharedSubscriptions, subscriptionIdentifiers, topicAliasMaximum, responseInformation);
    }

    public BrokerCapabilities withWildcardSubscriptions(boolean v) {
        return new BrokerCapabilities(maximumQos, retainAvailable, v, sharedSubscriptions, subscriptionIdentifiers, topicAliasMaximum, responseInformation);
    }

    public BrokerCapabilities withSharedSubscriptions(boolean v) {
        return new BrokerCapabilities(maximumQos, retainAvailable, wildcardSubscriptions, v, subscriptionIdentifiers, topicAliasMaximum, responseInformation);
    }

    public BrokerCapabilities withSubscriptionIdentifiers(boolean v) {
        return new BrokerCapabilities(maximumQos, retainAvailable, wildcardSubscriptions, sharedSubscriptions, v, topicAliasMaximum, responseInformation);
    }

    public BrokerCapabilities withTopicAliasMaximum(int v) {
        return new BrokerCapabilities(maximumQos, retainAvailable, wildcardSubscriptions, sharedSubscriptions, subscriptionIdentifiers, v, responseInformation);
    }

    public BrokerCapabilities withResponseInformation(String v) {
        return new BrokerCapabilities(maximumQos, retainAvailable, wildcardSubscriptions, sharedSubscriptions, subscriptionIdentifiers, topicAliasMaximum, v);
    }
}
