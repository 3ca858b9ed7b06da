package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.magpie.BrokerLimits;
import dev.magpie.BrokerSettings;
import dev.magpie.ClientIdPolicy;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code limits:} section: a one-to-one, snake_case mirror of {@link BrokerSettings} (the protocol limits)
 * and of {@link BrokerLimits} (connections, topics, subscriptions, queued bytes, rates, the memory quotas, who
 * may use which client id and unflushed output; flapping detection is in the {@code bans:} section). Its defaults are taken from {@link BrokerSettings#defaults()} and
 * {@link BrokerLimits#defaults()} rather than repeated, so an embedded broker and the standalone server can never
 * drift apart. Construction runs the broker's validation and reports failures with the YAML key name.
 */
public record LimitsConfig(int maxPacketSize, Duration connectTimeout, int maxKeepAlive, int receiveMaximum,
                           int maxInflight, int maxQueuedMessages, Duration maxSessionExpiry,
                           Duration authenticationTimeout, int maxConnections, int maxTopicLength, int maxTopicLevels,
                           int maxSubscriptionsPerClient, long maxQueuedBytes, int messageRate, long byteRate,
                           RateLimitAction rateLimitAction, long maxInflightBytes, int maxRetainedMessages, long maxRetainedBytes,
                           int maxSubscriptionsPerUser, int maxSessionsPerUser, ClientIdOwnership clientIdOwnership,
                           String clientIdPattern, Duration unflushedOutputTimeout, long maxUnflushedBytes) {

    /** The same values as {@link BrokerSettings#defaults()} and {@link BrokerLimits#defaults()}. */
    public static final LimitsConfig DEFAULTS = of(BrokerSettings.defaults(), BrokerLimits.defaults());

    public LimitsConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(maxSessionExpiry, "maxSessionExpiry");
        Objects.requireNonNull(authenticationTimeout, "authenticationTimeout");
        Objects.requireNonNull(rateLimitAction, "rateLimitAction");
        Objects.requireNonNull(clientIdOwnership, "clientIdOwnership");
        Objects.requireNonNull(clientIdPattern, "clientIdPattern");
        Objects.requireNonNull(unflushedOutputTimeout, "unflushedOutputTimeout");
        try {
            new BrokerSettings(maxPacketSize, connectTimeout, maxKeepAlive, receiveMaximum, maxInflight,
                    maxQueuedMessages, maxSessionExpiry, authenticationTimeout, false);
            new BrokerLimits.Quotas(maxInflightBytes, maxRetainedMessages, maxRetainedBytes, maxSubscriptionsPerUser, maxSessionsPerUser);
            new BrokerLimits(maxConnections, maxTopicLength, maxTopicLevels, maxSubscriptionsPerClient, maxQueuedBytes,
                    messageRate, byteRate, rateLimitAction.toAction(), BrokerLimits.Flapping.OFF);
            new BrokerLimits.UnflushedOutput(unflushedOutputTimeout, maxUnflushedBytes);
        } catch (IllegalArgumentException e) {
            throw ConfigKeys.inYamlTerms(e);
        }
    }

    /** The protocol limits alone; every {@link BrokerLimits} value at its default. */
    public LimitsConfig(int maxPacketSize, Duration connectTimeout, int maxKeepAlive, int receiveMaximum,
                        int maxInflight, int maxQueuedMessages, Duration maxSessionExpiry, Duration authenticationTimeout) {
        this(of(new BrokerSettings(maxPacketSize, connectTimeout, maxKeepAlive, receiveMaximum, maxInflight, maxQueuedMessages,
                maxSessionExpiry, authenticationTimeout, false)));
    }

    private LimitsConfig(LimitsConfig c) {
        this(c.maxPacketSize, c.connectTimeout, c.maxKeepAlive, c.receiveMaximum, c.maxInflight, c.maxQueuedMessages,
                c.maxSessionExpiry, c.authenticationTimeout, c.maxConnections, c.maxTopicLength, c.maxTopicLevels,
                c.maxSubscriptionsPerClient, c.maxQueuedBytes, c.messageRate, c.byteRate, c.rateLimitAction, c.maxInflightBytes,
                c.maxRetainedMessages, c.maxRetainedBytes, c.maxSubscriptionsPerUser, c.maxSessionsPerUser, c.clientIdOwnership,
                c.clientIdPattern, c.unflushedOutputTimeout, c.maxUnflushedBytes);
    }

    /** The config view of existing protocol settings, with every {@link BrokerLimits} value at its default. */
    public static LimitsConfig of(BrokerSettings s) {
        return of(s, BrokerLimits.defaults());
    }

    /** The config view of existing settings and limits. */
    public static LimitsConfig of(BrokerSettings s, BrokerLimits l) {
        return new LimitsConfig(s.maxPacketSize(), s.connectTimeout(), s.maxKeepAlive(), s.receiveMaximum(),
                s.maxInflight(), s.maxQueuedMessages(), s.maxSessionExpiry(), s.authenticationTimeout(),
                l.maxConnections(), l.maxTopicLength(), l.maxTopicLevels(), l.maxSubscriptionsPerClient(), l.maxQueuedBytes(),
                l.messageRate(), l.byteRate(), RateLimitAction.of(l.rateLimitAction()), l.quotas().maxInflightBytes(),
                l.quotas().maxRetainedMessages(), l.quotas().maxRetainedBytes(), l.quotas().maxSubscriptionsPerUser(),
                l.quotas().maxSessionsPerUser(), ClientIdOwnership.of(l.clientIds().ownership()), l.clientIds().pattern(),
                l.unflushedOutput().timeout(), l.unflushedOutput().maxBytes());
    }

    @JsonCreator
    static LimitsConfig fromYaml(@JsonProperty("max_packet_size") Integer maxPacketSize,
                                 @JsonProperty("connect_timeout") Duration connectTimeout,
                                 @JsonProperty("max_keep_alive") Integer maxKeepAlive,
                                 @JsonProperty("receive_maximum") Integer receiveMaximum,
                                 @JsonProperty("max_inflight") Integer maxInflight,
                                 @JsonProperty("max_queued_messages") Integer maxQueuedMessages,
                                 @JsonProperty("max_session_expiry") Duration maxSessionExpiry,
                                 @JsonProperty("authentication_timeout") Duration authenticationTimeout,
                                 @JsonProperty("max_connections") Integer maxConnections,
                                 @JsonProperty("max_topic_length") Integer maxTopicLength,
                                 @JsonProperty("max_topic_levels") Integer maxTopicLevels,
                                 @JsonProperty("max_subscriptions_per_client") Integer maxSubscriptionsPerClient,
                                 @JsonProperty("max_queued_bytes") Long maxQueuedBytes,
                                 @JsonProperty("message_rate") Integer messageRate,
                                 @JsonProperty("byte_rate") Long byteRate,
                                 @JsonProperty("rate_limit_action") RateLimitAction rateLimitAction,
                                 @JsonProperty("max_inflight_bytes") Long maxInflightBytes,
                                 @JsonProperty("max_retained_messages") Integer maxRetainedMessages,
                                 @JsonProperty("max_retained_bytes") Long maxRetainedBytes,
                                 @JsonProperty("max_subscriptions_per_user") Integer maxSubscriptionsPerUser,
                                 @JsonProperty("max_sessions_per_user") Integer maxSessionsPerUser,
                                 @JsonProperty("client_id_ownership") ClientIdOwnership clientIdOwnership,
                                 @JsonProperty("client_id_pattern") String clientIdPattern,
                                 @JsonProperty("unflushed_output_timeout") Duration unflushedOutputTimeout,
                                 @JsonProperty("max_unflushed_bytes") Long maxUnflushedBytes) {

        LimitsConfig d = DEFAULTS;
        return new LimitsConfig(
                maxPacketSize != null ? maxPacketSize : d.maxPacketSize,
                connectTimeout != null ? connectTimeout : d.connectTimeout,
                maxKeepAlive != null ? maxKeepAlive : d.maxKeepAlive,
                receiveMaximum != null ? receiveMaximum : d.receiveMaximum,
                maxInflight != null ? maxInflight : d.maxInflight,
                maxQueuedMessages != null ? maxQueuedMessages : d.maxQueuedMessages,
                maxSessionExpiry != null ? maxSessionExpiry : d.maxSessionExpiry,
                authenticationTimeout != null ? authenticationTimeout : d.authenticationTimeout,
                maxConnections != null ? maxConnections : d.maxConnections,
                maxTopicLength != null ? maxTopicLength : d.maxTopicLength,
                maxTopicLevels != null ? maxTopicLevels : d.maxTopicLevels,
                maxSubscriptionsPerClient != null ? maxSubscriptionsPerClient : d.maxSubscriptionsPerClient,
                maxQueuedBytes != null ? maxQueuedBytes : d.maxQueuedBytes,
                messageRate != null ? messageRate : d.messageRate,
                byteRate != null ? byteRate : d.byteRate,
                rateLimitAction != null ? rateLimitAction : d.rateLimitAction,
                maxInflightBytes != null ? maxInflightBytes : d.maxInflightBytes,
                maxRetainedMessages != null ? maxRetainedMessages : d.maxRetainedMessages,
                maxRetainedBytes != null ? maxRetainedBytes : d.maxRetainedBytes,
                maxSubscriptionsPerUser != null ? maxSubscriptionsPerUser : d.maxSubscriptionsPerUser,
                maxSessionsPerUser != null ? maxSessionsPerUser : d.maxSessionsPerUser,
                clientIdOwnership != null ? clientIdOwnership : d.clientIdOwnership,
                clientIdPattern != null ? clientIdPattern : d.clientIdPattern,
                unflushedOutputTimeout != null ? unflushedOutputTimeout : d.unflushedOutputTimeout,
                maxUnflushedBytes != null ? maxUnflushedBytes : d.maxUnflushedBytes);
    }

    /** The broker API's view of the protocol limits. */
    public BrokerSettings toSettings() {
        return new BrokerSettings(maxPacketSize, connectTimeout, maxKeepAlive, receiveMaximum, maxInflight,
                maxQueuedMessages, maxSessionExpiry, authenticationTimeout, false);
    }

    /** The broker API's view of the other limits, with flapping detection from the {@code bans:} section. */
    public BrokerLimits toLimits(BrokerLimits.Flapping flapping) {
        return new BrokerLimits(maxConnections, maxTopicLength, maxTopicLevels, maxSubscriptionsPerClient, maxQueuedBytes,
                messageRate, byteRate, rateLimitAction.toAction(), flapping,
                new BrokerLimits.Quotas(maxInflightBytes, maxRetainedMessages, maxRetainedBytes, maxSubscriptionsPerUser, maxSessionsPerUser),
                new ClientIdPolicy(clientIdOwnership.toOwnership(), clientIdPattern),
                new BrokerLimits.UnflushedOutput(unflushedOutputTimeout, maxUnflushedBytes));
    }

    public LimitsConfig withMaxConnections(int max) {
        return new LimitsConfig(maxPacketSize, connectTimeout, maxKeepAlive, receiveMaximum, maxInflight, maxQueuedMessages,
                maxSessionExpiry, authenticationTimeout, max, maxTopicLength, maxTopicLevels, maxSubscriptionsPerClient,
                maxQueuedBytes, messageRate, byteRate, rateLimitAction, maxInflightBytes, maxRetainedMessages, maxRetainedBytes,
                maxSubscriptionsPerUser, maxSessionsPerUser, clientIdOwnership, clientIdPattern,
                unflushedOutputTimeout, maxUnflushedBytes);
    }
}
