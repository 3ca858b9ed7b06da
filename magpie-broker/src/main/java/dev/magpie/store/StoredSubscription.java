package dev.magpie.store;

import java.util.Objects;

/**
 * One subscription of a stored session with its options [MQTT-3.8.3.1] and its Subscription Identifier.
 *
 * @param filter            the topic filter, {@code $share/group/...} included
 * @param qos               the granted maximum QoS
 * @param noLocal           5.0 No Local
 * @param retainAsPublished 5.0 Retain As Published
 * @param retainHandling    5.0 Retain Handling, 0..2
 * @param identifier        the Subscription Identifier, 0 for none
 */
public record StoredSubscription(String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling,
                                 int identifier) {
    public StoredSubscription {
        Objects.requireNonNull(filter, "filter");
    }
}
