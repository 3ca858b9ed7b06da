package dev.magpie.session;

import dev.magpie.codec.Subscribe.Subscription;

/**
 * A subscription as the session remembers it: the filter with its options and the 5.0 Subscription
 * Identifier (0 when none was given).
 */
public record SessionSubscription(Subscription options, int identifier) {
    public String filter() {
        return options.filter();
    }
}
