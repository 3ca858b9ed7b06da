/**
 * Seeing what happens: dispatch of {@link dev.magpie.spi.BrokerListener} events (isolated from listener
 * failures), the broker's Micrometer meters and {@link dev.magpie.observe.RefusalLog} (at most one log line per kind
 * of refusal per second, for refusals that come in floods). Called from the layers above; calls nothing back.
 */
package dev.magpie.observe;
