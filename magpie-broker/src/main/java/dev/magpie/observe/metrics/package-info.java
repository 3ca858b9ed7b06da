/**
 * Serving the broker's meters: {@code /metrics} in the Prometheus text format (Micrometer's Prometheus registry, with
 * the JVM's meters), {@code /health} (liveness) and {@code /ready} (listeners bound, store open) on the broker's
 * {@code ws}/{@code wss} listeners and on an optional plain HTTP port on 127.0.0.1. {@link
 * dev.magpie.observe.metrics.MetricsSettings} is what an application gives {@code Broker.Builder.metrics};
 * {@link dev.magpie.observe.metrics.MetricsEndpoint} is made and run by {@code dev.magpie.BrokerCore}, which answers
 * {@link dev.magpie.observe.metrics.BrokerState} (through {@code dev.magpie.BrokerHealth}). The meters themselves are named in {@code dev.magpie.observe.BrokerMetrics}.
 * Uses {@code spi.HttpRoute} only; calls nothing of the broker's but {@code BrokerState}.
 */
package dev.magpie.observe.metrics;
