package dev.magpie.server.doctor;

import java.util.List;
import java.util.Optional;

/** Every check's result, in the order they ran. */
public record Report(List<CheckResult> results) {

    public Report {
        results = List.copyOf(results);
    }

    public long count(Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    /** True when nothing failed; warnings are allowed. */
    public boolean healthy() {
        return count(Status.FAIL) == 0;
    }

    /** The result of {@code check}, if it ran (or was skipped). */
    public Optional<CheckResult> result(Check check) {
        return results.stream().filter(r -> r.check() == check).findFirst();
    }
}
