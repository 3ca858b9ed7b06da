/**
 * JMH benchmarks of the MQTT codec: decoding and encoding a PUBLISH, and fanning one PUBLISH out to
 * many subscribers with {@link dev.magpie.codec.EncodedPublish} versus encoding it once per subscriber.
 * Results and the command that produced them are kept in {@code docs/benchmarks.md} ("Codec").
 */
package dev.magpie.bench.codec;
