/**
 * Crash tests (issue 9): the broker as a real process ({@code magpie.jar serve --data-dir D}), killed with SIGKILL
 * at random moments and relaunched on the same data directory while persistent MQTT 3.1.1 and 5.0 clients
 * (Paho) keep publishing and subscribing; then a check of what the broker promised and what it kept.
 *
 * <p>{@link dev.magpie.server.crash.CrashRecoveryTest} drives the run; {@link dev.magpie.server.crash.CrashingBroker}
 * is the process; {@link dev.magpie.server.crash.Workload} the clients, built from
 * {@link dev.magpie.server.crash.StreamPublisher} (a numbered stream) and
 * {@link dev.magpie.server.crash.RecordingSubscriber} (what arrived, how often) over
 * {@link dev.magpie.server.crash.MqttLink} (one interface over both Paho clients);
 * {@link dev.magpie.server.crash.Verdict} holds the checks. {@link dev.magpie.server.crash.DelayedWillCrashTest}
 * checks delayed wills across a crash, separately since the broker does not persist them yet.
 */
package dev.magpie.server.crash;
