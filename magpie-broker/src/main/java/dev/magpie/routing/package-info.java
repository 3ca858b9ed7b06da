/**
 * Where messages go: the subscription tree (wildcards, {@code $}-topic rules), the retained-message index,
 * and the distributor that fans one message out to the matching sessions. Never touches a Netty channel.
 *
 * <p>{@link dev.magpie.routing.SubscriptionTree} and {@link dev.magpie.routing.RetainedIndex} hold the
 * caller's own records as generic values, so this package does not depend on sessions. Both may be read
 * (matched) from any number of event-loop threads without locks while other threads write; the protocol
 * layer validates filters and topic names before calling them. {@link dev.magpie.routing.Distributor} bounds the
 * retained messages by count and bytes ({@code RetainedQuota}), at run time and while loading the store.
 */
package dev.magpie.routing;
