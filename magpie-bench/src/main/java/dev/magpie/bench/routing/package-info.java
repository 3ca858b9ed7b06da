/**
 * JMH benchmarks of {@code dev.magpie.routing}: matching a topic against a million subscriptions, retained
 * lookups, and put/remove throughput. Run from the shaded jar, see {@code docs/benchmarks.md}. Depends only on
 * the public routing API.
 */
package dev.magpie.bench.routing;
