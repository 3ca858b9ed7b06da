/**
 * Seeing what happens: dispatch of {@link dev.magpie.spi.BrokerListener} events (isolated from listener
 * failures), the broker's Micrometer meters, and {@link dev.magpie.observe.LogSafe}, the one rule for characters a
 * client may not put into log lines (refused in client ids and user names, escaped in topics). Called from the
 * layers above; calls nothing back.
 */
package dev.magpie.observe;
