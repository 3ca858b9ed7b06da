package dev.magpie.routing;

import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.session.Session;

/**
 * What the subscription tree stores per (filter, client): the session to hand messages to, its options and
 * its 5.0 Subscription Identifier (0 = none).
 */
public record SubscriptionEntry(Session session, Subscription options, int identifier) {
}
