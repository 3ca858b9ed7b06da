package dev.magpie.server.doctor;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Collects results as the checks produce them and hands each on at once, so a user watching a slow check sees
 * what already passed. Checks that never ran are added as skipped at the end. Used by one thread.
 */
final class Results {

    private final Consumer<CheckResult> progress;
    private final List<CheckResult> results = new ArrayList<>();
    private final Map<Check, Status> statuses = new EnumMap<>(Check.class);

    Results(Consumer<CheckResult> progress) {
        this.progress = progress;
    }

    void add(CheckResult result) {
        results.add(result);
        statuses.put(result.check(), result.status());
        progress.accept(result);
    }

    boolean failed(Check check) {
        return statuses.get(check) == Status.FAIL;
    }

    /** The report, with a skip for every planned check that has no result. */
    Report finish(List<Check> plan, String stoppedBy) {
        for (Check check : plan) {
            if (!statuses.containsKey(check)) {
                add(CheckResult.skip(check, "not checked: " + stoppedBy + " failed"));
            }
        }
        return new Report(results);
    }

    /** The label of the latest failed check, the one that stopped the rest, for the skip lines. */
    String lastFailure() {
        return results.stream().filter(r -> r.status() == Status.FAIL).map(r -> r.check().label())
                .reduce((first, second) -> second).orElse("an earlier check");
    }
}
