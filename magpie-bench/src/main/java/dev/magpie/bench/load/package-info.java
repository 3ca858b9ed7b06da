/**
 * The MQTT load generator ({@code bin/magpie bench}, {@code java -jar benchmarks.jar load}): Netty (epoll) clients with
 * their own minimal MQTT 3.1.1/5.0 client codec ({@link dev.magpie.bench.load.MqttFrames},
 * {@link dev.magpie.bench.load.FrameDecoder}), many connections per process over TCP, TLS or WebSocket, offering load
 * at a fixed rate in an open loop ({@link dev.magpie.bench.load.Pacer}) and tracking every message
 * ({@link dev.magpie.bench.load.StreamTracker}, HdrHistogram latency from the intended send time). Scenarios:
 * {@link dev.magpie.bench.load.Scenario}; one run: {@link dev.magpie.bench.load.RateRun} or
 * {@link dev.magpie.bench.load.ConnectionRuns}; the sweep's decisions: {@link dev.magpie.bench.load.Sweep}; broker CPU
 * and RSS: {@link dev.magpie.bench.load.BrokerProbe}; output: {@link dev.magpie.bench.load.Report}; a trivial relay to
 * check the generator's own capacity: {@link dev.magpie.bench.load.SinkCommand}. Entry points:
 * {@link dev.magpie.bench.load.LoadCommand} and {@link dev.magpie.bench.load.BenchLauncher}. Documented in
 * docs/benchmarks.md ("Load generator").
 */
package dev.magpie.bench.load;
