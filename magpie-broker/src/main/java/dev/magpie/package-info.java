/**
 * The public face of the embeddable broker: {@link dev.magpie.Broker} (build, start, stop, publish),
 * {@link dev.magpie.Listener} (where it accepts connections), {@link dev.magpie.BrokerSettings} (protocol limits),
 * {@link dev.magpie.BrokerLimits} (connection, topic, rate and flapping limits) and {@link dev.magpie.Bans}.
 * Together with {@code dev.magpie.spi} this is the supported API; every other package is internal.
 */
package dev.magpie;
