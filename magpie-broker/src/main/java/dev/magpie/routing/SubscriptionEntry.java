package dev.magpie.routing;

import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.session.Session;

/** What the subscription tree stores per (filter, client): the session to hand messages to and its options. */
public record SubscriptionEntry(Session session, Subscription options) {
}
