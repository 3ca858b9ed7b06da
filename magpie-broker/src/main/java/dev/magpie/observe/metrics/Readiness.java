package dev.magpie.observe.metrics;

import java.util.List;

/**
 * What {@code /ready} answers: ready (200), or not with the state and the reasons (503). The broker builds one per
 * request from its current state.
 *
 * @param state   {@code starting}, {@code ready}, {@code degraded}, {@code stopping} or {@code stopped}
 * @param reasons why it is not ready, e.g. {@code listener wss is not bound}; empty when ready
 */
public record Readiness(String state, List<String> reasons) {
    public Readiness {
        reasons = List.copyOf(reasons);
    }

    public static Readiness ready() {
        return new Readiness("ready", List.of());
    }

    public boolean isReady() {
        return state.equals("ready");
    }
}
