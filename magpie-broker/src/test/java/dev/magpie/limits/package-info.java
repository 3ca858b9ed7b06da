/**
 * The limits of issue 5, one class per limit, each over raw packets ({@link dev.magpie.testkit.RawMqttClient})
 * and, where a real client shows something the raw one cannot, with Paho: broker-wide connections and the
 * per-listener connection rate, topic length and levels, subscriptions per client, queued bytes, publish rates,
 * bans and flapping. Each test names the spec rule or the reason it checks; waits use Awaitility and assert
 * counts, never "it took less than N ms".
 */
package dev.magpie.limits;
