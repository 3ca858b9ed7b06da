package dev.magpie;

import dev.magpie.observe.EventLoopLag;
import dev.magpie.observe.metrics.BrokerState;
import dev.magpie.observe.metrics.Readiness;
import dev.magpie.store.MessageStore;
import dev.magpie.transport.ListenerBinding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where one broker is in its life, as {@code /health} and {@code /ready} tell it. {@link BrokerCore} reports each step
 * here; the HTTP threads read it at any time without the broker's lock, which {@code start()} and {@code stop()} hold
 * for seconds (so every field is volatile, and each answer is a moment's view).
 */
final class BrokerHealth implements BrokerState {
    /** How long an I/O loop may go without running its lag probe before the broker is not alive. */
    private static final Duration STALLED = Duration.ofSeconds(10);

    enum Phase { NEW, STARTING, RUNNING, STOPPING, STOPPED }

    private final List<Listener> listeners;
    private volatile Phase phase = Phase.NEW;
    private volatile List<ListenerBinding> bound = List.of();
    /** The store is open and what it kept is loaded (retained messages; sessions come back with the listeners). */
    private volatile boolean storeLoaded;
    /** The store in use once loaded, asked at each /ready whether it still takes writes. */
    private volatile MessageStore store;
    private volatile EventLoopLag loopLag;
    /** Why a cluster node has not joined its cluster (empty once joined, and for a single broker). */
    private volatile Supplier<Optional<String>> clusterJoin = Optional::empty;

    BrokerHealth(List<Listener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    void phase(Phase now) {
        this.phase = now;
    }

    void storeLoaded(MessageStore loaded) {
        this.store = loaded;
        this.storeLoaded = true;
    }

    /** Makes readiness wait for the node to join its cluster: {@code pending} says why not yet, empty once joined. */
    void clusterJoin(Supplier<Optional<String>> pending) {
        this.clusterJoin = pending;
    }

    void loopLag(EventLoopLag lag) {
        this.loopLag = lag;
    }

    /** The listeners bound so far, in order. */
    void bound(List<ListenerBinding> bindings) {
        this.bound = List.copyOf(bindings);
    }

    /** Alive from the start of {@code start()} until stopped, unless an event loop has not run its probe for 10 s. */
    @Override
    public Optional<String> livenessProblem() {
        Phase p = phase;
        if (p == Phase.NEW || p == Phase.STOPPED) {
            return Optional.of(p == Phase.NEW ? "not started" : "stopped");
        }
        EventLoopLag lag = loopLag;
        List<Integer> stalled = lag == null || p != Phase.RUNNING ? List.of() : lag.stalled(STALLED);
        return stalled.isEmpty() ? Optional.empty()
                : Optional.of("I/O event loops " + stalled + " have not run for more than " + STALLED.toSeconds() + " s");
    }

    /**
     * Ready while running with every listener bound (the store was opened and loaded before the first one), a cluster
     * node's cluster joined, and the store still taking writes: a store whose writes fail (disk full, file removed)
     * makes the broker degraded, so a load balancer sends new clients elsewhere while its sessions and retained messages
     * are not being kept. A cluster node that has not joined yet names the step it waits for (connecting to Redis,
     * publishing its routes, loading the retained messages), so a probe's answer tells where a start hangs.
     */
    @Override
    public Readiness readiness() {
        Phase p = phase;
        List<String> reasons = new ArrayList<>();
        List<ListenerBinding> now = bound;
        switch (p) {
            case NEW -> reasons.add("not started");
            case STARTING -> {
                reasons.add(storeLoaded ? "restoring sessions and binding the listeners" : "opening the store");
                clusterJoin.get().ifPresent(reasons::add);
                for (Listener l : listeners) {
                    if (now.stream().noneMatch(b -> b.listener().name().equals(l.name()))) {
                        reasons.add("listener " + l.name() + " is not bound yet");
                    }
                }
            }
            case STOPPING -> reasons.add("shutting down");
            case STOPPED -> reasons.add("stopped");
            case RUNNING -> {
                for (ListenerBinding b : now) {
                    if (!b.isBound()) {
                        reasons.add("listener " + b.listener().name() + " is not bound");
                    }
                }
                clusterJoin.get().ifPresent(reasons::add);
                MessageStore s = store;
                if (s != null) {
                    s.problem().ifPresent(problem -> reasons.add("message store: " + problem));
                }
                return reasons.isEmpty() ? Readiness.ready() : new Readiness("degraded", reasons);
            }
        }
        return new Readiness(p.name().toLowerCase(Locale.ROOT), reasons);
    }
}
