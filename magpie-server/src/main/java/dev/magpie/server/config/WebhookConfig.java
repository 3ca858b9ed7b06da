package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.magpie.observe.webhook.Webhook;
import dev.magpie.observe.webhook.WebhookEvent;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of the {@code webhooks:} list: a URL the broker POSTs signed JSON events to (see
 * {@code docs/operations.md#webhooks}). Validated by building the broker's {@link Webhook}, so the config and the
 * embedding API refuse the same things, with the key in the message.
 *
 * @param url            {@code http://} or {@code https://}, no user info
 * @param events         wire names: {@code client.connected}, ..., {@code message.dropped}; at least one
 * @param topics         topic filters the {@code message.*} events must match; empty = every topic
 * @param secret         the HMAC-SHA256 key shared with the receiver, at least 16 bytes
 * @param timeout        per request, connecting included
 * @param maxQueued      events held (queued, being sent, awaiting a retry) before new ones are dropped
 * @param maxQueuedBytes the same bound in bytes (payloads, topics and ~512 per event)
 * @param retries        attempts after the first for failures, timeouts, 408, 429 and 5xx
 * @param backoff        the wait before the first retry, doubled for each next one (at most 1m)
 * @param maxInFlight    requests under way at once; 1 keeps the events in order
 */
public record WebhookConfig(String url, List<String> events, List<String> topics, String secret, Duration timeout,
                            int maxQueued, long maxQueuedBytes, int retries, Duration backoff, int maxInFlight) {

    public WebhookConfig {
        events = List.copyOf(Objects.requireNonNull(events, "events"));
        topics = List.copyOf(Objects.requireNonNull(topics, "topics"));
        toWebhook(url, events, topics, secret, timeout, maxQueued, maxQueuedBytes, retries, backoff, maxInFlight); // validates now
    }

    @JsonCreator
    static WebhookConfig fromYaml(@JsonProperty("url") String url, @JsonProperty("events") List<String> events,
                                  @JsonProperty("topics") List<String> topics, @JsonProperty("secret") String secret,
                                  @JsonProperty("timeout") Duration timeout, @JsonProperty("max_queued") Integer maxQueued,
                                  @JsonProperty("max_queued_bytes") Long maxQueuedBytes, @JsonProperty("retries") Integer retries,
                                  @JsonProperty("backoff") Duration backoff, @JsonProperty("max_in_flight") Integer maxInFlight) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url is missing: where the events are POSTed, e.g. https://hooks.example.com/mqtt");
        }
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("secret is missing: the key the requests are signed with, at least "
                    + Webhook.MIN_SECRET_BYTES + " bytes (e.g. the output of: openssl rand -hex 32)");
        }
        if (events == null || events.isEmpty()) {
            throw new IllegalArgumentException("events is missing: list what to send, from " + WebhookEvent.allNames());
        }
        return new WebhookConfig(url, events, topics != null ? topics : List.of(), secret,
                timeout != null ? timeout : Duration.ofSeconds(5), maxQueued != null ? maxQueued : 10_000,
                maxQueuedBytes != null ? maxQueuedBytes : 16L * 1024 * 1024, retries != null ? retries : 3,
                backoff != null ? backoff : Duration.ofSeconds(1), maxInFlight != null ? maxInFlight : 4);
    }

    /** The broker's settings for this entry. */
    public Webhook toWebhook() {
        return toWebhook(url, events, topics, secret, timeout, maxQueued, maxQueuedBytes, retries, backoff, maxInFlight);
    }

    private static Webhook toWebhook(String url, List<String> events, List<String> topics, String secret, Duration timeout,
                                     int maxQueued, long maxQueuedBytes, int retries, Duration backoff, int maxInFlight) {
        Set<WebhookEvent> chosen = EnumSet.noneOf(WebhookEvent.class);
        for (String name : events) {
            Optional<WebhookEvent> event = WebhookEvent.named(name);
            if (event.isEmpty()) {
                throw new IllegalArgumentException("events names '" + name + "', which is not an event; use "
                        + WebhookEvent.allNames());
            }
            chosen.add(event.get());
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url '" + url + "' is not a URL: " + e.getReason());
        }
        try {
            return Webhook.builder(uri, secret).events(chosen).topics(topics)
                    .timeout(Objects.requireNonNull(timeout, "timeout")).maxQueued(maxQueued).maxQueuedBytes(maxQueuedBytes)
                    .retries(retries).backoff(Objects.requireNonNull(backoff, "backoff")).maxInFlight(maxInFlight).build();
        } catch (IllegalArgumentException e) {
            throw ConfigKeys.inYamlTerms(e);
        }
    }

    @Override
    public String toString() {
        return "WebhookConfig[url=" + url + ", events=" + events + ", topics=" + topics + ", secret=***]";
    }
}
