/**
 * {@code magpie doctor}: checks a deployment the way a WeChat mini program (or MQTT.js with {@code wxs://})
 * meets it, one check per class, each giving {@link dev.magpie.server.doctor.Status#PASS PASS},
 * {@link dev.magpie.server.doctor.Status#WARN WARN} or {@link dev.magpie.server.doctor.Status#FAIL FAIL} with a
 * one-line fix: {@link dev.magpie.server.doctor.NameCheck} (a domain, not an IP, that resolves),
 * {@link dev.magpie.server.doctor.PortCheck} (443), {@link dev.magpie.server.doctor.TcpConnect},
 * {@link dev.magpie.server.doctor.TlsCheck} (TLS 1.2+), {@link dev.magpie.server.doctor.ChainCheck} (the server
 * sends a chain to a trusted root), {@link dev.magpie.server.doctor.HostNameCheck},
 * {@link dev.magpie.server.doctor.ValidityCheck}, {@link dev.magpie.server.doctor.WebSocketUpgrade} (the path
 * upgrades and {@code mqtt} is echoed) and {@link dev.magpie.server.doctor.MqttConnectCheck} (CONNECT/CONNACK).
 * {@link dev.magpie.server.doctor.Doctor} runs them in order over one connection.
 *
 * <p>Plain JDK sockets rather than Netty: the checks are sequential and blocking, and a blocking socket lets each
 * step fail with its own exception (timeout, reset, alert), which is what the diagnosis is made of. Only the MQTT
 * packets go through the broker's codec ({@code dev.magpie.codec}).
 *
 * <p>Called by {@code dev.magpie.server.cli.DoctorCommand}, which owns the options and the printing; it uses
 * {@code dev.magpie.server.certs.Pem} to read a {@code --ca} file.
 */
package dev.magpie.server.doctor;
