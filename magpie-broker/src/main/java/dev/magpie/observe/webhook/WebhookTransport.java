package dev.magpie.observe.webhook;

import java.util.concurrent.CompletableFuture;

/**
 * Sends one attempt of one event to a webhook's URL. {@link Webhooks} uses the JDK HTTP client ({@link HttpTransport});
 * tests substitute receivers that never answer, to prove the queue bounds without a network.
 */
interface WebhookTransport {

    /**
     * POSTs {@code body}, signed for the moment of sending; completes with the HTTP status, or exceptionally when
     * there was no answer (refused, reset, timed out). Must not block.
     */
    CompletableFuture<Integer> post(Webhook hook, WebhookEvent event, String id, byte[] body);
}
