package dev.magpie.transport;

import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.RefusalLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP answers under way on one listener, capped in total and per client address, so that clients that
 * request big files and read them slowly cannot hold more than a bounded number of answers (each holds at
 * most a chunk or two of output, and {@link WriteStallTimeout} ends those that stop moving). An answer takes
 * a slot before it is worked out and gives it back when its last byte is written or its connection closes; a
 * request finding no slot is answered 503 at once, without touching the file system or the routes' executor.
 * Refusals are counted ({@code magpie.limits}, {@code limit=http_responses}) and logged at most once a second.
 * Shared by the listener's event loops, hence atomic.
 */
final class ResponseSlots {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseSlots.class);

    private final String listenerName;
    private final int maxTotal;
    private final int maxPerAddress;
    private final BrokerMetrics metrics;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final RefusalLog listenerFullLog = new RefusalLog(LOG);
    private final RefusalLog addressFullLog = new RefusalLog(LOG);

    /** {@code 0} for either bound means unlimited. */
    ResponseSlots(String listenerName, int maxTotal, int maxPerAddress, BrokerMetrics metrics) {
        this.listenerName = listenerName;
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.metrics = metrics;
    }

    /** A held slot; releasing it twice is harmless. */
    final class Slot {
        private final InetAddress address;
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Slot(InetAddress address) {
            this.address = address;
        }

        void release() {
            if (held.compareAndSet(true, false)) {
                perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
                total.decrementAndGet();
            }
        }
    }

    /** A slot for an answer to {@code address}, or empty (counted and logged) when a cap is reached. */
    Optional<Slot> tryAcquire(InetAddress address) {
        if (total.incrementAndGet() > maxTotal && maxTotal > 0) {
            total.decrementAndGet();
            refused(listenerFullLog, "listener " + listenerName + ": HTTP request from {} answered 503: " + maxTotal
                    + " answers under way (websocket.max_concurrent_responses)", address);
            return Optional.empty();
        }
        boolean[] admitted = {false};
        perAddress.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            if (maxPerAddress > 0 && count >= maxPerAddress) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (!admitted[0]) {
            total.decrementAndGet();
            refused(addressFullLog, "listener " + listenerName + ": HTTP request from {} answered 503: " + maxPerAddress
                    + " answers under way to that address (websocket.max_responses_per_address)", address);
            return Optional.empty();
        }
        return Optional.of(new Slot(address));
    }

    private void refused(RefusalLog log, String message, InetAddress address) {
        metrics.limitHit("http_responses");
        log.refused(message, address.getHostAddress());
    }

    /** Answers under way now. */
    int inUse() {
        return total.get();
    }
}
