package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.magpie.spi.Decision;

/** {@code security.default_policy}: what an ACL answers when none of its rules applies. */
public enum DefaultPolicy {
    DENY(Decision.DENY),
    ALLOW(Decision.ALLOW);

    private final Decision decision;

    DefaultPolicy(Decision decision) {
        this.decision = decision;
    }

    @JsonCreator
    public static DefaultPolicy parse(String text) {
        for (DefaultPolicy policy : values()) {
            if (policy.yamlName().equals(text)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("default_policy '" + text + "' is not a policy: use deny or allow");
    }

    @JsonValue
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public Decision decision() {
        return decision;
    }
}
