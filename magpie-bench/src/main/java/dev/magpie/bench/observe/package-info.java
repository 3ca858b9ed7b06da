/**
 * JMH benchmarks of what the broker counts per packet ({@link dev.magpie.observe.TrafficCounters}, behind
 * {@code $SYS} and the traffic meters): its cost per PUBLISH, on one thread and on several at once.
 */
package dev.magpie.bench.observe;
