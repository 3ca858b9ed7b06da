/**
 * The MQTT wire format: immutable packet records for 3.1, 3.1.1 and 5.0, a strict decoder that checks
 * size limits before it buffers, encoders, properties and reason codes.
 *
 * <p>This package knows no broker state. It is used by {@code protocol} (which owns a connection) and by
 * {@code routing} for topic syntax. A malformed packet surfaces as {@link dev.magpie.codec.MalformedPacketException}
 * carrying the MQTT 5 reason code the connection should be closed with.
 *
 * <p>Entry points: {@link dev.magpie.codec.MqttDecoder} (Netty inbound; its exceptions reach
 * {@code exceptionCaught} wrapped in a {@code DecoderException}, unwrap {@code getCause()}),
 * {@link dev.magpie.codec.MqttEncoder} and {@link dev.magpie.codec.MqttPacketEncoder} (outbound),
 * {@link dev.magpie.codec.EncodedPublish} (one encoding shared by many deliveries) and
 * {@link dev.magpie.codec.TopicSyntax}. SUBSCRIBE and UNSUBSCRIBE keep filters that are valid UTF-8 but
 * not valid filters, so that the protocol layer can answer each one with its own SUBACK/UNSUBACK code
 * after asking {@link dev.magpie.codec.TopicSyntax#isValidTopicFilter}.
 */
package dev.magpie.codec;
