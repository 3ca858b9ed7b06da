/**
 * Attacks on the broker, one test class per vulnerability class that has hurt MQTT brokers before (the CVE in
 * the class comment where one exists). Each attack runs while {@link dev.magpie.hostile.GoodTraffic} publishes
 * and receives on the same broker, and each test checks three things: the attacker gets the right outcome,
 * the well-behaved clients lose nothing and see their messages in order, and the broker's state (connections,
 * sessions, subscriptions, in-flight, queued and inbound QoS 2 counts, read from its Micrometer gauges) returns
 * to where it was before the attack.
 */
package dev.magpie.hostile;
