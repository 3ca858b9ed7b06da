package dev.magpie.bench.load;

import java.io.File;
import java.util.Optional;

/**
 * Everything one generator run needs, resolved from the command line ({@link LoadCommand}) or built by a test.
 * Immutable; the {@code with…} methods return changed copies.
 *
 * <pre>{@code
 * LoadSettings s = LoadSettings.defaults("127.0.0.1", 1883).withScenario(Scenario.FANOUT).withClients(1, 50)
 *         .withRate(2_000).withSeconds(0, 10);
 * }</pre>
 *
 * @param rate            PUBLISHes per second offered by all publishers together
 * @param inflight        QoS 1/2 PUBLISHes a publisher keeps in flight at most (also capped by Receive Maximum)
 * @param connections     connections of {@link Scenario#IDLE} and {@link Scenario#STORM}
 * @param concurrency     connection attempts outstanding at once while connecting
 * @param brokerPid       the broker process to read CPU and RSS of; 0: none
 */
record LoadSettings(Scenario scenario, Connector.Target target, int level, int qos, int payloadSize, double rate,
                    int publishers, int subscribers, double warmupSeconds, double durationSeconds, double drainSeconds,
                    int inflight, int ioThreads, int keepAliveSeconds, int connections, int concurrency, long brokerPid,
                    long tickMicros, boolean progress, String label) {

    LoadSettings {
        if (level != MqttFrames.V3 && level != MqttFrames.V5) {
            throw new IllegalArgumentException("--mqtt must be 3 (3.1.1) or 5");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("--qos must be 0, 1 or 2");
        }
        if (payloadSize < PayloadHeader.SIZE || payloadSize > 256 * 1024) {
            throw new IllegalArgumentException("--payload must be 16 to 262144 bytes (16 hold stream, sequence, time)");
        }
        if (rate <= 0 || publishers < 1 || subscribers < 1 || inflight < 1 || ioThreads < 1 || connections < 0
                || concurrency < 1 || durationSeconds <= 0 || warmupSeconds < 0 || drainSeconds < 0 || tickMicros < 10) {
            throw new IllegalArgumentException("rate, clients, inflight, threads, concurrency and duration must be positive");
        }
        if (scenario == Scenario.PERSISTENT && qos == 0) {
            qos = 1;
        }
    }

    static LoadSettings defaults(String host, int port) {
        return new LoadSettings(Scenario.PAIRS, new Connector.Target(host, port, false, Optional.<File>empty(), false,
                "/mqtt", 0), MqttFrames.V3, 0, 16, 1_000, 1, 1, 1, 10, 5, 1_000, 1, 60, 1_000, 100, 0, 250, true, "");
    }

    LoadSettings withScenario(Scenario s) {
        return new LoadSettings(s, target, level, qos, payloadSize, rate, publishers, subscribers, warmupSeconds,
                durationSeconds, drainSeconds, inflight, ioThreads, keepAliveSeconds, connections, concurrency, brokerPid,
                tickMicros, progress, label);
    }

    LoadSettings withRate(double r) {
        return new LoadSettings(scenario, target, level, qos, payloadSize, r, publishers, subscribers, warmupSeconds,
                durationSeconds, drainSeconds, inflight, ioThreads, keepAliveSeconds, connections, concurrency, brokerPid,
                tickMicros, progress, label);
    }

    LoadSettings withClients(int p, int s) {
        return new LoadSettings(scenario, target, level, qos, payloadSize, rate, p, s, warmupSeconds,
                durationSeconds, drainSeconds, inflight, ioThreads, keepAliveSeconds, connections, concurrency, brokerPid,
                tickMicros, progress, label);
    }

    LoadSettings withSeconds(double warmup, double duration) {
        return new LoadSettings(scenario, target, level, qos, payloadSize, rate, publishers, subscribers, warmup,
                duration, drainSeconds, inflight, ioThreads, keepAliveSeconds, connections, concurrency, brokerPid,
                tickMicros, progress, label);
    }

    LoadSettings withProtocol(int mqttLevel, int q, int payload) {
        return new LoadSettings(scenario, target, mqttLevel, q, payload, rate, publishers, subscribers, warmupSeconds,
                durationSeconds, drainSeconds, inflight, ioThreads, keepAliveSeconds, connections, concurrency, brokerPid,
                tickMicros, progress, label);
    }

    LoadSettings withTarget(Connector.Target t) {
        return new LoadSettings(scenario, t, level, qos, payloadSize, rate, publishers, subscribers, warmupSeconds,
                durationSeconds, drainSeconds, inflight, ioThreads, keepAliveSeconds, connections, concurrency, brokerPid,
                tickMicros, progress, label);
    }

    LoadSettings withConnections(int n, int c) {
        return new LoadSettings(scenario, target, level, qos, payloadSize, rate, publishers, subscribers, warmupSeconds,
                durationSeconds, drainSeconds, inflight, ioThreads, keepAliveSeconds, n, c, brokerPid,
                tickMicros, progress, label);
    }

    LoadSettings withBrokerPid(long pid) {
        return new LoadSettings(scenario, target, level, qos, payloadSize, rate, publishers, subscribers, warmupSeconds,
                durationSeconds, drainSeconds, inflight, ioThreads, keepAliveSeconds, connections, concurrency, pid,
                tickMicros, progress, label);
    }

    LoadSettings withProgress(boolean p) {
        return new LoadSettings(scenario, target, level, qos, payloadSize, rate, publishers, subscribers, warmupSeconds,
                durationSeconds, drainSeconds, inflight, ioThreads, keepAliveSeconds, connections, concurrency, brokerPid,
                tickMicros, p, label);
    }

    /** Subscribers the scenario really uses. */
    int effectiveSubscribers() {
        return scenario.subscribers(publishers, subscribers);
    }

    /** "3.1.1" or "5". */
    String mqttName() {
        return level == MqttFrames.V5 ? "5" : "3.1.1";
    }
}
