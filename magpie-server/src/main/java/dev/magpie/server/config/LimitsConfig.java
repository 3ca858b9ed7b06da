package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.magpie.BrokerSettings;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code limits:} section: a one-to-one, snake_case mirror of {@link BrokerSettings}. Its defaults are
 * taken from {@link BrokerSettings#defaults()} rather than repeated, so an embedded broker and the standalone
 * server can never drift apart. Construction runs the {@code BrokerSettings} validation and reports failures
 * with the YAML key name.
 */
public record LimitsConfig(int maxPacketSize, Duration connectTimeout, int maxKeepAlive, int receiveMaximum,
                           int maxInflight, int maxQueuedMessages, Duration maxSessionExpiry,
                           Duration authenticationTimeout) {

    /** The same values as {@link BrokerSettings#defaults()}. */
    public static final LimitsConfig DEFAULTS = of(BrokerSettings.defaults());

    public LimitsConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(maxSessionExpiry, "maxSessionExpiry");
        Objects.requireNonNull(authenticationTimeout, "authenticationTimeout");
        try {
            new BrokerSettings(maxPacketSize, connectTimeout, maxKeepAlive, receiveMaximum, maxInflight,
                    maxQueuedMessages, maxSessionExpiry, authenticationTimeout);
        } catch (IllegalArgumentException e) {
            throw ConfigKeys.inYamlTerms(e);
        }
    }

    /** The config view of existing settings. */
    public static LimitsConfig of(BrokerSettings s) {
        return new LimitsConfig(s.maxPacketSize(), s.connectTimeout(), s.maxKeepAlive(), s.receiveMaximum(),
                s.maxInflight(), s.maxQueuedMessages(), s.maxSessionExpiry(), s.authenticationTimeout());
    }

    @JsonCreator
    static LimitsConfig fromYaml(@JsonProperty("max_packet_size") Integer maxPacketSize,
                                 @JsonProperty("connect_timeout") Duration connectTimeout,
                                 @JsonProperty("max_keep_alive") Integer maxKeepAlive,
                                 @JsonProperty("receive_maximum") Integer receiveMaximum,
                                 @JsonProperty("max_inflight") Integer maxInflight,
                                 @JsonProperty("max_queued_messages") Integer maxQueuedMessages,
                                 @JsonProperty("max_session_expiry") Duration maxSessionExpiry,
                                 @JsonProperty("authentication_timeout") Duration authenticationTimeout) {
        LimitsConfig d = DEFAULTS;
        return new LimitsConfig(
                maxPacketSize != null ? maxPacketSize : d.maxPacketSize,
                connectTimeout != null ? connectTimeout : d.connectTimeout,
                maxKeepAlive != null ? maxKeepAlive : d.maxKeepAlive,
                receiveMaximum != null ? receiveMaximum : d.receiveMaximum,
                maxInflight != null ? maxInflight : d.maxInflight,
                maxQueuedMessages != null ? maxQueuedMessages : d.maxQueuedMessages,
                maxSessionExpiry != null ? maxSessionExpiry : d.maxSessionExpiry,
                authenticationTimeout != null ? authenticationTimeout : d.authenticationTimeout);
    }

    /** The broker API's view of these limits. */
    public BrokerSettings toSettings() {
        return new BrokerSettings(maxPacketSize, connectTimeout, maxKeepAlive, receiveMaximum, maxInflight,
                maxQueuedMessages, maxSessionExpiry, authenticationTimeout);
    }
}
