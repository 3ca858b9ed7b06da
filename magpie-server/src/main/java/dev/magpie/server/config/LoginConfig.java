package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.magpie.LoginLimits;

import java.time.Duration;

/**
 * {@code security.login}: failed-login throttling and the bounded, fair queue of password checks, a snake_case
 * mirror of {@link LoginLimits} with its defaults taken from {@link LoginLimits#defaults()}. Construction runs the
 * broker's validation and names the YAML key in its message.
 */
public record LoginConfig(int freeFailures, Duration backoff, Duration maxBackoff, Duration forgetAfter, int maxTracked,
                          int maxPendingPerAddress, int maxPending, int threads) {

    public static final LoginConfig DEFAULTS = of(LoginLimits.defaults());

    public LoginConfig {
        try {
            new LoginLimits(freeFailures, backoff, maxBackoff, forgetAfter, maxTracked, maxPendingPerAddress, maxPending, threads);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ConfigKeys.inYamlTerms(new IllegalArgumentException(e.getMessage(), e));
        }
    }

    static LoginConfig of(LoginLimits l) {
        return new LoginConfig(l.freeFailures(), l.backoff(), l.maxBackoff(), l.forgetAfter(), l.maxTracked(),
                l.maxPendingPerAddress(), l.maxPending(), l.threads());
    }

    @JsonCreator
    static LoginConfig fromYaml(@JsonProperty("free_failures") Integer freeFailures,
                                @JsonProperty("backoff") Duration backoff,
                                @JsonProperty("max_backoff") Duration maxBackoff,
                                @JsonProperty("forget_after") Duration forgetAfter,
                                @JsonProperty("max_tracked") Integer maxTracked,
                                @JsonProperty("max_pending_per_address") Integer maxPendingPerAddress,
                                @JsonProperty("max_pending") Integer maxPending,
                                @JsonProperty("threads") Integer threads) {
        LoginConfig d = DEFAULTS;
        return new LoginConfig(freeFailures != null ? freeFailures : d.freeFailures, backoff != null ? backoff : d.backoff,
                maxBackoff != null ? maxBackoff : d.maxBackoff, forgetAfter != null ? forgetAfter : d.forgetAfter,
                maxTracked != null ? maxTracked : d.maxTracked,
                maxPendingPerAddress != null ? maxPendingPerAddress : d.maxPendingPerAddress,
                maxPending != null ? maxPending : d.maxPending, threads != null ? threads : d.threads);
    }

    public LoginLimits toLoginLimits() {
        return new LoginLimits(freeFailures, backoff, maxBackoff, forgetAfter, maxTracked, maxPendingPerAddress, maxPending, threads);
    }
}
