package dev.magpie.observe.sys;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Load averages against values worked out by hand: e = exp(-t / window), a' = e·a + (1 - e)·rate per minute. */
class LoadAverageTest {

    @Test
    void oneIntervalOfASteadyRate() {
        LoadAverage load = new LoadAverage(0);
        load.update(10, 10); // 10 in 10 s: 60 per minute
        assertThat(load.oneMinute()).isCloseTo(60 * (1 - Math.exp(-10.0 / 60)), within(1e-9)); // 9.21
        assertThat(load.fiveMinutes()).isCloseTo(60 * (1 - Math.exp(-10.0 / 300)), within(1e-9));
        assertThat(load.fifteenMinutes()).isCloseTo(60 * (1 - Math.exp(-10.0 / 900)), within(1e-9));
    }

    @Test
    void aSteadyRateIsApproachedFirstByTheOneMinuteAverage() {
        LoadAverage load = new LoadAverage(1_000); // counted before the start is no load
        long count = 1_000;
        for (int i = 0; i < 6; i++) { // one minute of 120 per minute, in 10 s steps
            count += 20;
            load.update(count, 10);
        }
        // after one window the average has covered 1 - 1/e of the way, whatever the step
        assertThat(load.oneMinute()).isCloseTo(120 * (1 - Math.exp(-1)), within(1e-9)); // 75.85
        assertThat(load.fiveMinutes()).isCloseTo(120 * (1 - Math.exp(-60.0 / 300)), within(1e-9));
        for (int i = 0; i < 600; i++) {
            count += 20;
            load.update(count, 10);
        }
        assertThat(load.oneMinute()).isCloseTo(120, within(1e-6));
        assertThat(load.fifteenMinutes()).isCloseTo(120, within(0.5)); // 101 minutes: exp(-6060 / 900) of the way left
    }

    @Test
    void silenceDecaysTheAverages() {
        LoadAverage load = new LoadAverage(0);
        load.update(600, 60);
        double afterBurst = load.oneMinute();
        load.update(600, 60); // nothing in the next minute
        assertThat(load.oneMinute()).isCloseTo(afterBurst * Math.exp(-1), within(1e-9));
    }

    @Test
    void anIntervalOfNoTimeChangesNothing() {
        LoadAverage load = new LoadAverage(0);
        load.update(5, 0);
        assertThat(load.oneMinute()).isZero();
        load.update(5, 10); // the 5 still count in the next real interval
        assertThat(load.oneMinute()).isGreaterThan(0);
    }
}
