/**
 * One test class per MQTT 5 feature, each proving the behaviour twice: packet by packet over
 * {@link dev.magpie.testkit.RawMqttClient} (given / when / then, citing the spec rule), and through a real
 * 5.0 client (HiveMQ or Eclipse Paho) so that what the spec says is also what clients in the field see.
 * {@link dev.magpie.mqtt5.Mqtt5Fixture} starts a loopback broker on an ephemeral port and closes everything a
 * test opened. Time-based tests (expiry, will delay, keep-alive) use intervals of one or two seconds and
 * assert lower bounds loosely and upper bounds generously, so a loaded machine does not make them flaky.
 * Basic subscription-option cases live in {@code dev.magpie.protocol.SubscribeSpecTest}, QoS handshakes in
 * {@code QosFlowSpecTest}; the classes here add what those do not cover.
 */
package dev.magpie.mqtt5;
