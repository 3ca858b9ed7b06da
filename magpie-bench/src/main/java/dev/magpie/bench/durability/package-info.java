/**
 * Throughput benchmark of QoS 1 to persistent sessions for each durability setting (issue 9): not JMH, but a
 * real {@code magpie serve} process from the fat jar on one CPU and a raw-MQTT load generator on the other.
 * Entry point {@link dev.magpie.bench.durability.DurabilityBench}, run by {@code magpie-bench/run-durability.sh};
 * the configurations are the YAML files in {@code magpie-bench/durability/}. Results: docs/benchmarks.md.
 */
package dev.magpie.bench.durability;
