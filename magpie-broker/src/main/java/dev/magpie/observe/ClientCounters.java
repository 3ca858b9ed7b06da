package dev.magpie.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clients as mosquitto's {@code $SYS/broker/clients/…} counts them: connected now (past CONNACK, until the connection
 * closes), the most connected at once since the start, and persistent sessions that expired offline. The total and the
 * disconnected (sessions without a connection) come from the session registry at read time. Touched on connect,
 * disconnect and expiry only, never per message; any thread.
 */
public final class ClientCounters {
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger maximum = new AtomicInteger();
    private final LongAdder expired = new LongAdder();

    /** A client was accepted (CONNACK sent). */
    public void connected() {
        int now = connected.incrementAndGet();
        maximum.accumulateAndGet(now, Math::max);
    }

    /** An accepted client's connection closed. */
    public void disconnected() {
        connected.decrementAndGet();
    }

    /** A persistent session ended because it stayed offline past its expiry interval [MQTT-3.1.2-23]. */
    public void expired() {
        expired.increment();
    }

    public int connectedNow() {
        return connected.get();
    }

    public int maximumConnected() {
        return maximum.get();
    }

    public long expiredSessions() {
        return expired.sum();
    }

    /** {@code magpie.clients.connected}, {@code magpie.clients.maximum} (gauges) and {@code magpie.clients.expired}. */
    void register(MeterRegistry registry) {
        Gauge.builder("magpie.clients.connected", connected, AtomicInteger::get).description("clients past CONNACK now").register(registry);
        Gauge.builder("magpie.clients.maximum", maximum, AtomicInteger::get).description("most clients connected at once since the start")
                .register(registry);
        FunctionCounter.builder("magpie.clients.expired", expired, LongAdder::sum)
                .description("persistent sessions ended after their expiry interval offline").register(registry);
    }
}
