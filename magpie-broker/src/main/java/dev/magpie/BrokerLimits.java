package dev.magpie;

import java.time.Duration;
import java.util.Objects;

/**
 * What the broker refuses or slows down to protect itself from a client or a crowd of clients: broker-wide
 * connections, topic sizes, subscriptions per client, queued bytes per session, per-client publish rates and
 * flapping (a client that reconnects over and over). Immutable; start from {@link #defaults()} and change
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
                           Flapping flapping, UnflushedOutput unflushedOutput) {

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
     * abuse and cost matching time); unlimited subscriptions per client (bridges and gateways hold many); no
     * byte bound on queues beyond their message count; throttling rather than disconnecting; flapping
     * detection off, because a device on a bad network that reconnects often should not be locked out unless
     * the operator asks for it; a client that takes nothing of its output for 30 s (or leaves 16 MiB of it
     * unflushed) is closed ({@link UnflushedOutput#DEFAULT}).
     */
    public static BrokerLimits defaults() {
        return new BrokerLimits(0, 65_535, 128, 0, 0, 0, 0, RateLimitAction.THROTTLE, Flapping.OFF, UnflushedOutput.DEFAULT);
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
            unflushedOutput = from.unflushedOutput;
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
                    messageRate, byteRate, rateLimitAction, flapping, unflushedOutput);
        }
    }
}
