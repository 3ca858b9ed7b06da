/**
 * Seeing what happens: dispatch of {@link dev.magpie.spi.BrokerListener} events (isolated from listener
 * failures) and the broker's Micrometer meters. Called from the layers above; calls nothing back.
 */
package dev.magpie.observe;
