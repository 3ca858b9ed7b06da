/**
 * The MQTT wire format: immutable packet records for 3.1, 3.1.1 and 5.0, a strict decoder that checks
 * size limits before it buffers, encoders, properties and reason codes.
 *
 * <p>This package knows no broker state. It is used by {@code protocol} (which owns a connection) and by
 * {@code routing} for topic syntax. A malformed packet surfaces as {@link dev.magpie.codec.MalformedPacketException}
 * carrying the MQTT 5 reason code the connection should be closed with.
 */
package dev.magpie.codec;
