package dev.magpie.bench.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.DoublePredicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sweep's rate decisions over made-up step results. */
class SweepTest {
    private final Sweep sweep = new Sweep(1_000, 2.0, 0.05, 1_000_000, 0.999, 10_000);

    @Test
    void aRateHoldsOnlyWithEnoughDeliveredAndP99UnderTheBound() {
        assertThat(sweep.held(new Sweep.Step(1_000, 0.999, 9_999))).isTrue();
        assertThat(sweep.held(new Sweep.Step(1_000, 0.998, 100))).isFalse();
        assertThat(sweep.held(new Sweep.Step(1_000, 1.0, 10_000))).isFalse();
    }

    @Test
    void growsWhileHoldingThenBisects() {
        assertThat(sweep.next(List.of())).hasValue(1_000);
        assertThat(sweep.next(List.of(step(1_000, true)))).hasValue(2_000);
        assertThat(sweep.next(List.of(step(1_000, true), step(2_000, true), step(4_000, false)))).hasValue(3_000);
    }

    @Test
    void stopsWhenHeldAndFailedAreWithinThePrecision() {
        List<Sweep.Step> steps = List.of(step(1_000, true), step(1_040, false));
        assertThat(sweep.next(steps)).isEmpty();
        assertThat(sweep.result(steps)).isEqualTo(1_000);
    }

    @Test
    void backsOffWhenEvenTheFirstRateFails() {
        assertThat(sweep.next(List.of(step(1_000, false)))).hasValue(500);
        assertThat(sweep.result(List.of(step(1_000, false)))).isZero();
    }

    @Test
    void stopsAtTheMaximumRate() {
        Sweep capped = new Sweep(1_000, 2.0, 0.05, 3_000, 0.999, 10_000);
        assertThat(capped.next(List.of(step(1_000, true), step(2_000, true)))).hasValue(3_000);
        assertThat(capped.next(List.of(step(1_000, true), step(2_000, true), step(3_000, true)))).isEmpty();
    }

    @Test
    void convergesOnTheCapacityOfASimulatedBroker() {
        DoublePredicate holds = rate -> rate <= 37_500;
        List<Sweep.Step> steps = new ArrayList<>();
        OptionalDouble next = sweep.next(steps);
        while (next.isPresent()) {
            steps.add(step(next.getAsDouble(), holds.test(next.getAsDouble())));
            next = sweep.next(steps);
            assertThat(steps).hasSizeLessThan(30);
        }
        assertThat(sweep.result(steps)).isBetween(37_500 * 0.95, 37_500.0);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new Sweep(1_000, 1.0, 0.05, 10_000, 0.999, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Sweep.Step step(double rate, boolean held) {
        return held ? new Sweep.Step(rate, 1.0, 100) : new Sweep.Step(rate, 0.5, 100);
    }
}
