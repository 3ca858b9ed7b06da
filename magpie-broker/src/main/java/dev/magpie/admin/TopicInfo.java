package dev.magpie.admin;

/**
 * A topic or topic filter the broker knows: a retained message's topic, or a filter somebody subscribed to.
 *
 * @param topic         the topic name or filter
 * @param retained      whether a retained message is kept on it
 * @param subscriptions how many sessions subscribed to exactly this string
 */
public record TopicInfo(String topic, boolean retained, int subscriptions) {
}
