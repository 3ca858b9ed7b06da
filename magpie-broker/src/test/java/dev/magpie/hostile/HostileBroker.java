package dev.magpie.hostile;

import dev.magpie.Broker;
import dev.magpie.BrokerLimits;
import dev.magpie.BrokerSettings;
import dev.magpie.Listener;
import dev.magpie.LoginLimits;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Authorizer;
import dev.magpie.testkit.TestBrokers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker under attack, with the read-only view a test needs of its state: the Micrometer gauges for open
 * connections, sessions, subscriptions, and in-flight, queued and half-finished inbound QoS 2 messages.
 */
final class HostileBroker implements AutoCloseable {
    /** The gauges that must come back to their value from before an attack. */
    static final List<String> STATE = List.of("magpie.connections", "magpie.sessions", "magpie.subscriptions",
            "magpie.messages.inflight", "magpie.messages.queued", "magpie.qos2.inbound");
    private static final Duration SETTLE = Duration.ofSeconds(15);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Broker broker;
    private Map<String, Long> baseline = Map.of();

    private HostileBroker(BrokerSettings settings, BrokerLimits limits, LoginLimits login, List<Listener> extraListeners,
                          List<Authenticator> authenticators, List<Authorizer> authorizers) {
        Broker.Builder builder = TestBrokers.anonymous(settings).limits(limits).loginLimits(login).meterRegistry(registry);
        extraListeners.forEach(builder::listener);
        authenticators.forEach(builder::authenticator);
        authorizers.forEach(builder::authorizer);
        this.broker = builder.build().start();
    }

    static HostileBroker start() {
        return new HostileBroker(BrokerSettings.defaults(), BrokerLimits.defaults(), LoginLimits.defaults(), List.of(), List.of(), List.of());
    }

    static HostileBroker start(BrokerSettings settings, BrokerLimits limits, Authorizer... authorizers) {
        return new HostileBroker(settings, limits, LoginLimits.defaults(), List.of(), List.of(), List.of(authorizers));
    }

    /** With listeners besides the good clients' "tcp" one, e.g. a ws listener serving files. */
    static HostileBroker start(BrokerSettings settings, BrokerLimits limits, List<Listener> extraListeners, Authorizer... authorizers) {
        return new HostileBroker(settings, limits, LoginLimits.defaults(), extraListeners, List.of(), List.of(authorizers));
    }

    /** With login limits and authenticators too, for the attacks on logins. */
    static HostileBroker start(BrokerSettings settings, BrokerLimits limits, LoginLimits login, List<Listener> extraListeners,
                               List<Authenticator> authenticators, Authorizer... authorizers) {
        return new HostileBroker(settings, limits, login, extraListeners, authenticators, List.of(authorizers));
    }

    /** The port of the listener named {@code listener}. */
    int port(String listener) {
        return broker.port(listener);
    }

    /** How often {@code limit} was hit ({@code magpie.limits}), e.g. {@code login_throttled}. */
    double limitHits(String limit) {
        Counter c = registry.find("magpie.limits").tag("limit", limit).counter();
        return c == null ? 0 : c.count();
    }

    int port() {
        return broker.port("tcp");
    }

    String uri() {
        return TestBrokers.uri(broker);
    }

    long gauge(String name) {
        Gauge g = registry.find(name).gauge();
        assertThat(g).as("gauge " + name).isNotNull();
        return (long) g.value();
    }

    Map<String, Long> state() {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String name : STATE) {
            values.put(name, gauge(name));
        }
        return values;
    }

    /** Remembers the current state; call it once the well-behaved clients are connected and idle or steady. */
    HostileBroker recordBaseline() {
        baseline = state();
        return this;
    }

    /** The value a state gauge had when {@link #recordBaseline()} ran. */
    long baseline(String name) {
        return baseline.get(name);
    }

    /**
     * Waits until every state gauge is back at the baseline; in-flight and queued counts must be back at zero
     * (call it after {@link GoodTraffic#finish()}, when nothing is on its way).
     */
    void awaitBaseline() {
        Map<String, Long> expected = new LinkedHashMap<>(baseline);
        expected.put("magpie.messages.inflight", 0L);
        expected.put("magpie.messages.queued", 0L);
        expected.put("magpie.qos2.inbound", 0L);
        await().atMost(SETTLE).untilAsserted(() -> assertThat(state()).as("broker state after the attack").isEqualTo(expected));
    }

    @Override
    public void close() {
        broker.stop();
    }
}
