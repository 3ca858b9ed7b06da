package dev.magpie.admin;

/**
 * One subscription of a session.
 *
 * @param clientId          whose it is
 * @param filter            the topic filter as subscribed (a shared one starts with {@code $share/GROUP/})
 * @param qos               the granted QoS
 * @param noLocal           5.0 No Local
 * @param retainAsPublished 5.0 Retain As Published
 * @param retainHandling    5.0 Retain Handling (0, 1, 2)
 * @param shareGroup        the share group of a shared subscription, null otherwise
 */
public record SubscriptionInfo(String clientId, String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling,
                               String shareGroup) {
}
