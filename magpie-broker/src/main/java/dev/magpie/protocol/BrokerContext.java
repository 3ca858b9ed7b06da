package dev.magpie.protocol;

import dev.magpie.BrokerCapabilities;
import dev.magpie.BrokerLimits;
import dev.magpie.BrokerSettings;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.EventDispatcher;
import dev.magpie.routing.Distributor;
import dev.magpie.security.AuthenticationChain;
import dev.magpie.security.AuthorizationChain;
import dev.magpie.security.ban.BanList;
import dev.magpie.security.ban.FlappingDetector;
import dev.magpie.security.EnhancedAuthentication;
import dev.magpie.session.SessionRegistry;

/**
 * The broker-wide services a connection works with, built once per broker. Each connection gets the same
 * instance; nothing here is per-connection state.
 */
public record BrokerContext(BrokerSettings settings, BrokerCapabilities capabilities, SessionRegistry sessions, Distributor distributor,
                            PublishPipeline pipeline, AuthenticationChain authentication, EnhancedAuthentication enhancedAuthentication,
                            AuthorizationChain authorization, EventDispatcher events, BrokerMetrics metrics,
                            SessionLifecycle lifecycle, BrokerLimits limits, BanList bans, FlappingDetector flapping) {
}
