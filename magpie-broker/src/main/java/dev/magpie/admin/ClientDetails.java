package dev.magpie.admin;

import dev.magpie.session.MessageSummary;

import java.util.List;

/**
 * One session in detail: its summary, its subscriptions, and the first {@value BrokerAdmin#MESSAGE_LIST_LIMIT}
 * messages in flight and queued (summaries, no payloads).
 */
public record ClientDetails(ClientSummary summary, List<SubscriptionInfo> subscriptions, List<MessageSummary> inflight,
                            List<MessageSummary> queued) {
    public ClientDetails {
        subscriptions = List.copyOf(subscriptions);
        inflight = List.copyOf(inflight);
        queued = List.copyOf(queued);
    }
}
