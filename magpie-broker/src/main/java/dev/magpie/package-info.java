/**
 * The public face of the embeddable broker: {@link dev.magpie.Broker} (build, start, stop, publish),
 * {@link dev.magpie.Listener} (where it accepts connections) and {@link dev.magpie.BrokerSettings} (limits).
 * Together with {@code dev.magpie.spi} this is the supported API; every other package is internal.
 */
package dev.magpie;
