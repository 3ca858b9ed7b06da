package dev.magpie.server.doctor;

import java.util.Objects;

/**
 * The outcome of one check: what was found ({@code detail}, one line) and, unless it passed, what to do about
 * it ({@code fix}, one line; empty for {@link Status#PASS}).
 */
public record CheckResult(Check check, Status status, String detail, String fix) {

    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(fix, "fix");
    }

    static CheckResult pass(Check check, String detail) {
        return new CheckResult(check, Status.PASS, detail, "");
    }

    static CheckResult warn(Check check, String detail, String fix) {
        return new CheckResult(check, Status.WARN, detail, fix);
    }

    static CheckResult fail(Check check, String detail, String fix) {
        return new CheckResult(check, Status.FAIL, detail, fix);
    }

    static CheckResult skip(Check check, String why) {
        return new CheckResult(check, Status.SKIP, why, "");
    }
}
