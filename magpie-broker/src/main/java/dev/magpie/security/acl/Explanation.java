package dev.magpie.security.acl;

import dev.magpie.spi.Decision;

import java.util.Objects;
import java.util.Optional;

/**
 * Why an {@link AclAuthorizer} answered as it did: the decision and the rule that made it, or the default
 * policy when no rule applied. This is what {@code magpie acl check} prints.
 */
public final class Explanation {
    private final Decision decision;
    private final AclRule rule;
    private final String reason;

    Explanation(Decision decision, AclRule rule, String reason) {
        this.decision = Objects.requireNonNull(decision, "decision");
        this.rule = rule;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Decision decision() {
        return decision;
    }

    /** The rule that decided; empty when the default policy did. */
    public Optional<AclRule> rule() {
        return Optional.ofNullable(rule);
    }

    /** One line for a person: the rule with its source (file and line), or "default policy (deny)". */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return decision + " by " + reason;
    }
}
