package dev.magpie.session;

import java.util.List;

/**
 * How one subscriber receives one message: the QoS after downgrade [MQTT-3.8.4-8], the RETAIN flag to set,
 * the Subscription Identifiers of the matching subscriptions (5.0, several when several match
 * [MQTT-3.3.4-3]), and the shared-subscription group it came through, if any (so unacknowledged messages
 * can be handed to another member when this one goes away).
 *
 * @param sharedGroup the group key {@code $share/<group>/<filter>}, or {@code null}
 */
public record Delivery(int qos, boolean retain, List<Integer> subscriptionIds, String sharedGroup) {
    public Delivery {
        subscriptionIds = List.copyOf(subscriptionIds);
    }

    public static Delivery of(int qos, boolean retain) {
        return new Delivery(qos, retain, List.of(), null);
    }
}
