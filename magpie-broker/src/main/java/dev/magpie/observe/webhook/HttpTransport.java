package dev.magpie.observe.webhook;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@link HttpClient} sending webhook requests asynchronously: no thread waits for a receiver. One client per
 * webhook, so each has its own connect timeout and connection pool; redirects are not followed (a 3xx is a refusal),
 * so a receiver cannot point the broker's signed requests elsewhere. An exchange, answer body included, never takes
 * more than twice the webhook's timeout.
 */
final class HttpTransport implements WebhookTransport {
    private static final String USER_AGENT = "magpie-webhook/1";

    private final HttpClient client;

    HttpTransport(Duration connectTimeout, Executor executor) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();
    }

    @Override
    public CompletableFuture<Integer> post(Webhook hook, WebhookEvent event, String id, byte[] body) {
        long now = System.currentTimeMillis() / 1000;
        HttpRequest request = HttpRequest.newBuilder(hook.url()).timeout(hook.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header(WebhookSignature.EVENT_HEADER, event.wireName())
                .header(WebhookSignature.ID_HEADER, id)
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
                .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(hook.secret(), now, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<Void>> exchange = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        // the request timeout ends at the status line: an answer whose body never ends would hold the slot for good,
        // so the whole exchange is cut at twice the timeout (and the JDK client told to abandon it)
        return exchange.thenApply(HttpResponse::statusCode)
                .orTimeout(2 * hook.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((status, failure) -> {
                    if (failure != null) {
                        exchange.cancel(true);
                    }
                });
    }
}
