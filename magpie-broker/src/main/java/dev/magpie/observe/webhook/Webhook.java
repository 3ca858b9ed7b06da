package dev.magpie.observe.webhook;

import dev.magpie.codec.TopicSyntax;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One receiver of broker events: where they are POSTed, which ones, the secret they are signed with, and the bounds
 * that keep a dead or slow receiver from costing the broker more than a bounded queue. Immutable; built with
 * {@link #builder(URI, String)} and given to {@code Broker.Builder.webhook}:
 *
 * <pre>{@code
 * Broker.builder()
 *         .listener(Listener.tcp("0.0.0.0", 1883))
 *         .webhook(Webhook.builder(URI.create("https://hooks.example.com/mqtt"), System.getenv("HOOK_SECRET"))
 *                 .events(WebhookEvent.CLIENT_CONNECTED, WebhookEvent.CLIENT_DISCONNECTED, WebhookEvent.MESSAGE_PUBLISHED)
 *                 .topics("sensors/#")
 *                 .build())
 *         .build().start();
 * }</pre>
 *
 * <p>The defaults: 5 s timeout, 3 retries starting 1 s apart and doubling, 10,000 events or 16 MiB held, 4 requests at
 * once. See {@link Webhooks} for what happens to an event, and {@link WebhookSignature} for what the receiver checks.
 */
public final class Webhook {
    /** Shortest secret accepted, in bytes (UTF-8): 128 bits, so that the signature cannot be brute-forced offline. */
    public static final int MIN_SECRET_BYTES = 16;
    /** The longest wait between two attempts, however many retries are configured. */
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final URI url;
    private final String name;
    private final Set<WebhookEvent> events;
    private final List<String> topics;
    private final byte[] secret;
    private final Duration timeout;
    private final int maxQueued;
    private final long maxQueuedBytes;
    private final int retries;
    private final Duration backoff;
    private final int maxInFlight;

    private Webhook(Builder b) {
        this.url = b.url;
        this.name = nameOf(b.url);
        if (b.events.isEmpty()) {
            throw new IllegalArgumentException("events must name at least one of " + WebhookEvent.allNames());
        }
        this.events = Set.copyOf(b.events);
        this.topics = List.copyOf(b.topics);
        this.secret = b.secret.clone();
        this.timeout = b.timeout;
        this.maxQueued = b.maxQueued;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.retries = b.retries;
        this.backoff = b.backoff;
        this.maxInFlight = b.maxInFlight;
    }

    /**
     * A webhook POSTing to {@code url} ({@code http://} or {@code https://}), signing with {@code secret} (at least
     * {@link #MIN_SECRET_BYTES} bytes; share it with the receiver only).
     *
     * @throws IllegalArgumentException if the URL or the secret is not usable (the message says why)
     */
    public static Builder builder(URI url, String secret) {
        return new Builder(url, secret);
    }

    /** Checks a URL the way {@link #builder} does; the message says what is wrong. */
    public static void validateUrl(URI url) {
        Objects.requireNonNull(url, "url");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("url must start with http:// or https://, was '" + url + "'");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("url '" + url + "' names no host");
        }
        if (url.getRawUserInfo() != null) {
            // it would travel in logs and metric tags; receivers authenticate the broker by the signature instead
            throw new IllegalArgumentException("url must not hold a user name or password; the signature authenticates the broker");
        }
        if (url.getRawFragment() != null) {
            throw new IllegalArgumentException("url must not have a #fragment");
        }
    }

    /** Checks a secret the way {@link #builder} does. */
    public static void validateSecret(String secret) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("secret must be at least " + MIN_SECRET_BYTES
                    + " bytes (e.g. the output of: openssl rand -hex 32)");
        }
    }

    /** scheme://host:port/path: the URL without its query, which may hold a token; used in logs and metric tags. */
    private static String nameOf(URI url) {
        int port = url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getScheme() + "://" + url.getHost() + ":" + port + path;
    }

    public URI url() {
        return url;
    }

    /** The URL without its query (scheme://host:port/path), as logs and the {@code webhook} metric tag show it. */
    public String name() {
        return name;
    }

    public Set<WebhookEvent> events() {
        return events;
    }

    /** Topic filters the {@code message.*} events must match; empty = every topic. */
    public List<String> topics() {
        return topics;
    }

    byte[] secret() {
        return secret;
    }

    public Duration timeout() {
        return timeout;
    }

    public int maxQueued() {
        return maxQueued;
    }

    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    public int retries() {
        return retries;
    }

    public Duration backoff() {
        return backoff;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    @Override
    public String toString() {
        return "Webhook[" + name + ", events=" + events + ", topics=" + topics + "]"; // never the secret
    }

    /** Settings of a {@link Webhook}; the URL, the secret and at least one event are required. */
    public static final class Builder {
        private final URI url;
        private final byte[] secret;
        private final Set<WebhookEvent> events = EnumSet.noneOf(WebhookEvent.class);
        private List<String> topics = List.of();
        private Duration timeout = Duration.ofSeconds(5);
        private int maxQueued = 10_000;
        private long maxQueuedBytes = 16L * 1024 * 1024;
        private int retries = 3;
        private Duration backoff = Duration.ofSeconds(1);
        private int maxInFlight = 4;

        private Builder(URI url, String secret) {
            validateUrl(url);
            validateSecret(secret);
            this.url = url;
            this.secret = secret.getBytes(StandardCharsets.UTF_8);
        }

        /** The events sent (at least one). */
        public Builder events(WebhookEvent... chosen) {
            events.addAll(Arrays.asList(chosen));
            return this;
        }

        public Builder events(Set<WebhookEvent> chosen) {
            events.addAll(chosen);
            return this;
        }

        /** Topic filters ({@code sensors/#}) a message must match for its {@code message.*} events to be sent. */
        public Builder topics(String... filters) {
            return topics(List.of(filters));
        }

        public Builder topics(List<String> filters) {
            for (String f : filters) {
                if (!TopicSyntax.isValidTopicFilter(f)) {
                    throw new IllegalArgumentException("topics holds '" + f + "', which is not a valid topic filter");
                }
            }
            this.topics = List.copyOf(filters);
            return this;
        }

        /** How long a request may take, connecting included (5 s by default); a request that takes longer is retried. */
        public Builder timeout(Duration value) {
            if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("timeout must be more than 0 and at most 5m");
            }
            this.timeout = value;
            return this;
        }

        /** Events held for this webhook at most, waiting or being sent (10,000 by default); more are dropped and counted. */
        public Builder maxQueued(int events) {
            if (events < 1 || events > 1_000_000) {
                throw new IllegalArgumentException("maxQueued must be 1..1000000");
            }
            this.maxQueued = events;
            return this;
        }

        /** Bytes (payloads, topics and ~512 per event) held at most (16 MiB by default); more are dropped and counted. */
        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxQueuedBytes must be at least 1024");
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        /** Attempts after the first for a request that failed, timed out or was answered 408, 429 or 5xx (3 by default). */
        public Builder retries(int count) {
            if (count < 0 || count > 20) {
                throw new IllegalArgumentException("retries must be 0..20");
            }
            this.retries = count;
            return this;
        }

        /** The wait before the first retry (1 s by default), doubled for each next one up to {@link #MAX_BACKOFF}. */
        public Builder backoff(Duration first) {
            if (first.isNegative() || first.isZero() || first.compareTo(MAX_BACKOFF) > 0) {
                throw new IllegalArgumentException("backoff must be more than 0 and at most 1m");
            }
            this.backoff = first;
            return this;
        }

        /** Requests to this URL under way at once (4 by default); 1 sends the events in order. */
        public Builder maxInFlight(int requests) {
            if (requests < 1 || requests > 64) {
                throw new IllegalArgumentException("maxInFlight must be 1..64");
            }
            this.maxInFlight = requests;
            return this;
        }

        public Webhook build() {
            return new Webhook(this);
        }
    }
}
