package dev.magpie;

import java.time.Duration;
import java.util.Objects;

/**
 * What the broker refuses or slows down to protect itself from a client or a crowd of clients: broker-wide
 * connections, topic sizes, subscriptions per client, queued bytes per session, per-client publish rates and
 * flapping (a client that reconnects over and over), memory {@link Quotas} and who may use which client id. Immutable; start from {@link #defaults()} and change
 * what you need through {@link #toBuilder()}:
 *
 * <pre>{@code
 * BrokerLimits limits = BrokerLimits.defaults().toBuilder()
 *         .maxConnections(50_000)
 *         .messageRate(100)                      // PUBLISH packets per second per client
 *         .flapping(new BrokerLimits.Flapping(15, Duration.ofMinutes(1), Duration.ofMinutes(5), false))
 *         .build();
 * Broker.builder().limits(limits)...
 * }</pre>
 *
 * <p>The protocol limits that MQTT 5 advertises in CONNACK (packet size, keep-alive, in-flight and queued
 * message counts) are in {@link BrokerSettings}; per-listener connection limits are on {@link Listener}.
 * A value of 0 means "no limit" wherever it says so. What a client sees when it hits each limit is listed in
 * {@code docs/security.md}.
 *
 * @param maxConnections            open connections on all listeners together; 0 = unlimited (then the
 *                                  operating system's file descriptor limit is the bound)
 * @param maxTopicLength            bytes of UTF-8 in a topic name or filter (1..65535; 65535 is what MQTT
 *                                  itself allows)
 * @param maxTopicLevels            levels ({@code a/b/c} has 3) in a topic name or filter; 0 = unlimited
 * @param maxSubscriptionsPerClient subscriptions one session may hold; 0 = unlimited
 * @param maxQueuedBytes            bytes of topic and payload queued per session, besides the message count of
 *                                  {@link BrokerSettings#maxQueuedMessages()}; 0 = only the count applies
 * @param messageRate               PUBLISH packets per second a client may send on average; 0 = unlimited
 * @param byteRate                  bytes of PUBLISH (topic and payload) per second a client may send; 0 = unlimited
 * @param rateLimitAction           what happens to a client above {@code messageRate} or {@code byteRate}
 * @param flapping                  temporary bans for clients that connect too often
 * @param unflushedOutput           when a client that does not take what it is sent off its socket is closed
 */
public record BrokerLimits(int maxConnections, int maxTopicLength, int maxTopicLevels, int maxSubscriptionsPerClient,
                           long maxQueuedBytes, int messageRate, long byteRate, RateLimitAction rateLimitAction,
                           Flapping flapping, Quotas quotas, ClientIdPolicy clientIds,
                           UnflushedOutput unflushedOutput) {

    /**
     * Byte and count bounds on what clients make the broker hold, per session, per user and broker-wide; 0 turns
     * one off. Each answers a client (or a crowd of one user's clients) filling the heap; see
     * {@code docs/security.md}, "Memory quotas".
     *
     * @param maxInflightBytes       topic and payload bytes of QoS 1/2 messages sent to one session and not yet
     *                               acknowledged; further messages wait in the queue (at least one is always sent)
     * @param maxRetainedMessages    retained messages broker-wide; a new retained topic beyond it is refused
     *                               (5.0 PUBACK/PUBREC 0x97 Quota exceeded; otherwise delivered but not retained)
     * @param maxRetainedBytes       topic and payload bytes of all retained messages, enforced like the count
     * @param maxSubscriptionsPerUser subscriptions all sessions of one user name hold together (SUBACK 0x97,
     *                               3.1.1 0x80); anonymous clients are bound only per client
     * @param maxSessionsPerUser     sessions (connected or kept offline) one user name owns; a CONNECT that would
     *                               create one more is refused with 0x97 Quota exceeded (3.1.1: 0x03)
     */
    public record Quotas(long maxInflightBytes, int maxRetainedMessages, long maxRetainedBytes, int maxSubscriptionsPerUser,
                         int maxSessionsPerUser) {
        /**
         * 8 MiB in flight (32 messages of the default 256 KiB maximum packet, thousands of typical ones), 100,000
         * retained messages and 128 MiB of them, 100,000 subscriptions and 10,000 sessions per user.
         */
        public static final Quotas DEFAULTS = new Quotas(8L << 20, 100_000, 128L << 20, 100_000, 10_000);

        public Quotas {
            requireAtLeastZero("maxInflightBytes", maxInflightBytes);
            requireAtLeastZero("maxRetainedMessages", maxRetainedMessages);
            requireAtLeastZero("maxRetainedBytes", maxRetainedBytes);
            requireAtLeastZero("maxSubscriptionsPerUser", maxSubscriptionsPerUser);
            requireAtLeastZero("maxSessionsPerUser", maxSessionsPerUser);
        }
    }

    /** Limits with the default {@link Quotas}, {@link ClientIdPolicy} and {@link UnflushedOutput}. */
    public BrokerLimits(int maxConnections, int maxTopicLength, int maxTopicLevels, int maxSubscriptionsPerClient,
                        long maxQueuedBytes, int messageRate, long byteRate, RateLimitAction rateLimitAction, Flapping flapping) {
        this(maxConnections, maxTopicLength, maxTopicLevels, maxSubscriptionsPerClient, maxQueuedBytes, messageRate, byteRate,
                rateLimitAction, flapping, Quotas.DEFAULTS, ClientIdPolicy.defaults(), UnflushedOutput.DEFAULT);
    }

    /** What the broker does with a client that publishes faster than its rate. */
    public enum RateLimitAction {
        /**
         * Stop reading the client's socket until its rate allows the next packet (backpressure, as mosquitto and
         * EMQX do): nothing is lost, the client's TCP send buffer fills and its own publish calls slow down. The
         * default, because a well-behaved client with a burst is served, not punished.
         */
        THROTTLE,
        /** Disconnect at once; a 5.0 client gets DISCONNECT 0x96 Message rate too high. */
        DISCONNECT
    }

    /**
     * Flapping detection: more than {@code maxConnects} CONNECTs with the same client id (and, if
     * {@code byAddress}, from the same IP address) within {@code window} bans that client id (or address) for
     * {@code banDuration}. {@code maxConnects} 0 turns detection off.
     */
    public record Flapping(int maxConnects, Duration window, Duration banDuration, boolean byAddress) {
        /** Detection off. */
        public static final Flapping OFF = new Flapping(0, Duration.ofMinutes(1), Duration.ofMinutes(5), false);

        public Flapping {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(banDuration, "banDuration");
            if (maxConnects < 0) {
                throw new IllegalArgumentException("maxConnects must be >= 0, was " + maxConnects);
            }
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be positive, was " + window);
            }
            if (banDuration.isNegative() || banDuration.isZero()) {
                throw new IllegalArgumentException("banDuration must be positive, was " + banDuration);
            }
        }

        public boolean enabled() {
            return maxConnects > 0;
        }
    }

    /**
     * A client whose output is full (the socket is not writable) is no longer read, so it cannot make the broker queue
     * answers without bound; this closes it when its unflushed output does not drain by a single byte for
     * {@code timeout}, or grows beyond {@code maxBytes} (Netty's count: bytes plus a small overhead per message). A
     * slow reader drains, so only a client that stopped reading altogether is closed. {@code timeout} zero turns the
     * time rule off, {@code maxBytes} 0 the byte cap.
     *
     * <pre>{@code
     * limits.toBuilder().unflushedOutput(new BrokerLimits.UnflushedOutput(Duration.ofSeconds(60), 32L << 20))
     * }</pre>
     */
    public record UnflushedOutput(Duration timeout, long maxBytes) {
        /** 30 s without progress, or 16 MiB unflushed. */
        public static final UnflushedOutput DEFAULT = new UnflushedOutput(Duration.ofSeconds(30), 16L * 1024 * 1024);

        public UnflushedOutput {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("unflushedOutputTimeout must be >= 0 (0 = off), was " + timeout);
            }
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxUnflushedBytes must be >= 0 (0 = unlimited), was " + maxBytes);
            }
        }

        /** Whether either rule applies. */
        public boolean enabled() {
            return !timeout.isZero() || maxBytes > 0;
        }
    }

    public BrokerLimits {
        Objects.requireNonNull(rateLimitAction, "rateLimitAction");
        Objects.requireNonNull(flapping, "flapping");
        Objects.requireNonNull(quotas, "quotas");
        Objects.requireNonNull(clientIds, "clientIds");
        Objects.requireNonNull(unflushedOutput, "unflushedOutput");
        requireAtLeastZero("maxConnections", maxConnections);
        if (maxTopicLength < 1 || maxTopicLength > 65_535) {
            throw new IllegalArgumentException("maxTopicLength must be 1..65535, was " + maxTopicLength);
        }
        requireAtLeastZero("maxTopicLevels", maxTopicLevels);
        requireAtLeastZero("maxSubscriptionsPerClient", maxSubscriptionsPerClient);
        requireAtLeastZero("maxQueuedBytes", maxQueuedBytes);
        requireAtLeastZero("messageRate", messageRate);
        requireAtLeastZero("byteRate", byteRate);
    }

    private static void requireAtLeastZero(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 (0 = unlimited), was " + value);
        }
    }

    /**
     * The defaults, chosen as mosquitto, EMQX and HiveMQ choose them: no broker-wide connection cap and no rate
     * limits (both depend on the machine and the application, so only the operator can size them); topics up
     * to the 65535 bytes MQTT allows, with at most 128 levels (EMQX's default: deeper topics are a sign of
     * abuse and cost matching time); 10,000 subscriptions per client (bridges and gateways hold hundreds to a few
     * thousand; 200,000 held ~100 MB of heap); 16 MiB queued per session (1,000 queued messages of 16 KiB, or 64
     * of the largest default packet: a subscriber that never reads cannot pin more); throttling rather than
     * disconnecting; flapping detection off, because a device on a bad network that reconnects often should not
     * be locked out unless the operator asks for it; the {@link Quotas#DEFAULTS}; sessions owned by their creator; a client that takes nothing of its output for 30 s (or leaves 16 MiB of
     * it unflushed) is closed ({@link UnflushedOutput#DEFAULT}).
     */
    public static BrokerLimits defaults() {
        return new BrokerLimits(0, 65_535, 128, 10_000, 16L << 20, 0, 0, RateLimitAction.THROTTLE, Flapping.OFF,
                Quotas.DEFAULTS, ClientIdPolicy.defaults(), UnflushedOutput.DEFAULT);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some limits of a {@link BrokerLimits}; every setter is optional. */
    public static final class Builder {
        private int maxConnections;
        private int maxTopicLength;
        private int maxTopicLevels;
        private int maxSubscriptionsPerClient;
        private long maxQueuedBytes;
        private int messageRate;
        private long byteRate;
        private RateLimitAction rateLimitAction;
        private Flapping flapping;
        private Quotas quotas;
        private ClientIdPolicy clientIds;
        private UnflushedOutput unflushedOutput;

        private Builder(BrokerLimits from) {
            maxConnections = from.maxConnections;
            maxTopicLength = from.maxTopicLength;
            maxTopicLevels = from.maxTopicLevels;
            maxSubscriptionsPerClient = from.maxSubscriptionsPerClient;
            maxQueuedBytes = from.maxQueuedBytes;
            messageRate = from.messageRate;
            byteRate = from.byteRate;
            rateLimitAction = from.rateLimitAction;
            flapping = from.flapping;
            quotas = from.quotas;
            clientIds = from.clientIds;
            unflushedOutput = from.unflushedOutput;
        }

        public Builder quotas(Quotas newQuotas) {
            this.quotas = newQuotas;
            return this;
        }

        /** Who may use which client id (default {@link ClientIdPolicy#defaults()}: a session belongs to its creator). */
        public Builder clientIds(ClientIdPolicy policy) {
            this.clientIds = policy;
            return this;
        }

        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        public Builder maxTopicLength(int bytes) {
            this.maxTopicLength = bytes;
            return this;
        }

        public Builder maxTopicLevels(int levels) {
            this.maxTopicLevels = levels;
            return this;
        }

        public Builder maxSubscriptionsPerClient(int max) {
            this.maxSubscriptionsPerClient = max;
            return this;
        }

        public Builder maxQueuedBytes(long bytes) {
            this.maxQueuedBytes = bytes;
            return this;
        }

        public Builder messageRate(int perSecond) {
            this.messageRate = perSecond;
            return this;
        }

        public Builder byteRate(long perSecond) {
            this.byteRate = perSecond;
            return this;
        }

        public Builder rateLimitAction(RateLimitAction action) {
            this.rateLimitAction = action;
            return this;
        }

        public Builder flapping(Flapping detection) {
            this.flapping = detection;
            return this;
        }

        public Builder unflushedOutput(UnflushedOutput rule) {
            this.unflushedOutput = rule;
            return this;
        }

        /** @throws IllegalArgumentException naming the first value out of range */
        public BrokerLimits build() {
            return new BrokerLimits(maxConnections, maxTopicLength, maxTopicLevels, maxSubscriptionsPerClient, maxQueuedBytes,
                    messageRate, byteRate, rateLimitAction, flapping, quotas, clientIds,
                    unflushedOutput);
        }
    }
}
