/**
 * Seeing what happens: dispatch of {@link dev.magpie.spi.BrokerListener} events (isolated from listener
 * failures), the broker's Micrometer meters, {@link dev.magpie.observe.RefusalLog} (at most one log line per kind
 * of refusal per second, for refusals that come in floods) and {@link dev.magpie.observe.LogSafe}, the one rule for
 * characters a client may not put into log lines (refused in client ids and user names, escaped in topics). Called
 * from the layers above; calls nothing back. {@link dev.magpie.observe.EventLoopLag} measures how late each I/O event
 * loop runs (a probe task a second). {@code observe.metrics} serves the meters ({@code /metrics}, {@code /health},
 * {@code /ready}).
 */
package dev.magpie.observe;
