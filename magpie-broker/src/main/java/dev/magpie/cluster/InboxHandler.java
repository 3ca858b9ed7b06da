package dev.magpie.cluster;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Takes a batch of messages from this node's inbox (or from a dead node's, while adopting it). The backend
 * acknowledges the batch only when the returned stage completes normally; a failed stage leaves the messages in the
 * inbox to be handed over again. Duplicates are already dropped. Called on the backend's own thread, one batch at a
 * time: hand the work on and return; never block here.
 */
@FunctionalInterface
public interface InboxHandler {
    CompletionStage<Void> handle(List<InboxMessage> batch);
}
