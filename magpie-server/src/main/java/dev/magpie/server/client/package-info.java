/**
 * The MQTT client behind {@code magpie pub} and {@code magpie sub}: {@link dev.magpie.server.client.ClientConnection}
 * connects to an {@link dev.magpie.server.client.Endpoint} (TCP, TLS with {@link dev.magpie.server.client.ClientTls}
 * including mutual TLS, WebSocket, secure WebSocket), logs in as a {@link dev.magpie.server.client.ClientLogin} says
 * (MQTT 3.1, 3.1.1 or 5.0, clean or persistent session) and subscribes and publishes at QoS 0, 1 and 2. Every way
 * a run can fail is a {@link dev.magpie.server.client.ClientFailure} of one of three kinds (refused, network,
 * timeout) with a one-line message; {@link dev.magpie.server.client.Refusals} puts a broker's reason code in words.
 *
 * <p>Netty and the broker's own strict codec ({@code dev.magpie.codec}, {@code MqttDecoder.forClient}), so what a
 * broker answers is checked by the same rules the broker applies to clients. The doctor
 * ({@code dev.magpie.server.doctor}) stays on blocking sockets for its step-by-step diagnosis; both use
 * {@code ReasonCode.describe} for the words of a reason code, and this package reads PEM files with
 * {@code dev.magpie.server.certs.Pem}. The load generator in {@code magpie-bench} has its own allocation-free
 * encoders for the hot path, which a command-line client does not need.
 *
 * <p>Called by {@code dev.magpie.server.cli.PubCommand} and {@code SubCommand}, which own the options, the
 * printing and the exit statuses.
 */
package dev.magpie.server.client;
