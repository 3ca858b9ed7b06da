package dev.magpie.observe.metrics;

import java.util.Optional;

/**
 * What {@code /health} and {@code /ready} ask the broker, from an HTTP thread at any time (also while it starts or
 * stops, so an implementation must not wait for the broker's lock).
 */
public interface BrokerState {
    /** Why the broker is not alive (stopped, an event loop stalled), or empty while it runs. */
    Optional<String> livenessProblem();

    /** Whether every listener is bound and the store open, and if not, why. */
    Readiness readiness();
}
