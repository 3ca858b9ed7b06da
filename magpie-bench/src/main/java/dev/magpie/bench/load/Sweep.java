package dev.magpie.bench.load;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The sweep's decisions, as pure functions over the steps run so far: grow the offered rate geometrically while it
 * holds, then bisect between the highest rate that held and the lowest that did not, until they are within
 * {@code precision} of each other. A rate holds when delivered/expected is at least {@code minDeliveredRatio} and p99
 * latency is under the bound. {@link LoadCommand} runs the steps; this class only says which rate comes next.
 *
 * <pre>{@code
 * Sweep sweep = new Sweep(1_000, 2.0, 0.05, 1e7, 0.999, 50_000);
 * sweep.next(List.of());                                        // 1000
 * sweep.next(List.of(new Sweep.Step(1_000, 1.0, 300)));         // 2000
 * }</pre>
 *
 * @param startRate         the first rate tried (PUBLISHes/s)
 * @param growth            factor between rates while they hold (> 1)
 * @param precision         stop when (fail - held) / fail is at most this
 * @param maxRate           never offer more than this
 * @param minDeliveredRatio delivered/expected a held rate needs
 * @param p99BoundMicros    p99 latency a held rate must stay under
 */
record Sweep(double startRate, double growth, double precision, double maxRate, double minDeliveredRatio,
             long p99BoundMicros) {

    Sweep {
        if (startRate <= 0 || growth <= 1 || precision <= 0 || precision >= 1 || maxRate < startRate) {
            throw new IllegalArgumentException("sweep needs start > 0, growth > 1, 0 < precision < 1, max >= start");
        }
    }

    /** One step's outcome. */
    record Step(double rate, double deliveredRatio, double p99Micros) {
    }

    boolean held(Step step) {
        return step.deliveredRatio() >= minDeliveredRatio && step.p99Micros() < p99BoundMicros;
    }

    /** The rate to try next, or empty when the sweep is done. */
    OptionalDouble next(List<Step> steps) {
        if (steps.isEmpty()) {
            return OptionalDouble.of(startRate);
        }
        double heldBest = 0;
        for (Step s : steps) {
            if (held(s)) {
                heldBest = Math.max(heldBest, s.rate());
            }
        }
        double failedLowest = Double.POSITIVE_INFINITY;
        for (Step s : steps) {
            if (!held(s) && s.rate() > heldBest) {
                failedLowest = Math.min(failedLowest, s.rate());
            }
        }
        if (failedLowest == Double.POSITIVE_INFINITY) {
            if (heldBest >= maxRate) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(Math.min(maxRate, heldBest * growth));
        }
        if (heldBest == 0) {
            double lower = failedLowest / growth;
            return lower < 1 ? OptionalDouble.empty() : OptionalDouble.of(lower);
        }
        if ((failedLowest - heldBest) / failedLowest <= precision) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.round((heldBest + failedLowest) / 2));
    }

    /** The highest rate that held, 0 when none did. */
    double result(List<Step> steps) {
        double best = 0;
        for (Step s : steps) {
            if (held(s)) {
                best = Math.max(best, s.rate());
            }
        }
        return best;
    }
}
