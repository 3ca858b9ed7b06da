package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.magpie.BrokerLimits;

import java.util.Locale;

/** {@code limits.rate_limit_action}: what happens to a client above {@code message_rate} or {@code byte_rate}. */
public enum RateLimitAction {
    /** Stop reading the client's socket until its rate allows more (backpressure; nothing is lost). */
    THROTTLE(BrokerLimits.RateLimitAction.THROTTLE),
    /** Disconnect it (5.0: DISCONNECT 0x96 Message rate too high). */
    DISCONNECT(BrokerLimits.RateLimitAction.DISCONNECT);

    private final BrokerLimits.RateLimitAction action;

    RateLimitAction(BrokerLimits.RateLimitAction action) {
        this.action = action;
    }

    @JsonCreator
    public static RateLimitAction parse(String text) {
        return YamlEnums.parse(RateLimitAction.class, "rate_limit_action", text);
    }

    static RateLimitAction of(BrokerLimits.RateLimitAction action) {
        return action == BrokerLimits.RateLimitAction.THROTTLE ? THROTTLE : DISCONNECT;
    }

    @JsonValue
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public BrokerLimits.RateLimitAction toAction() {
        return action;
    }
}
