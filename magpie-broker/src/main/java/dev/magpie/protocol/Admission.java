package dev.magpie.protocol;

import dev.magpie.BrokerCapabilities;
import dev.magpie.BrokerLimits;
import dev.magpie.BrokerSettings;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.security.AuthenticationChain;
import dev.magpie.security.EnhancedAuthentication;
import dev.magpie.security.ban.BanList;
import dev.magpie.security.ban.FlappingDetector;
import dev.magpie.session.SessionRegistry;

/**
 * What the {@link ConnectGate} decides a CONNECT with, and nothing else: the limits and capabilities it checks
 * and advertises, bans and flapping, the authenticators, and the sessions it opens, resumes or takes over. One
 * per broker.
 */
public record Admission(BrokerSettings settings, BrokerCapabilities capabilities, BrokerLimits limits, BanList bans,
                        FlappingDetector flapping, AuthenticationChain authentication, EnhancedAuthentication enhancedAuthentication,
                        SessionRegistry sessions, SessionLifecycle lifecycle, BrokerMetrics metrics) {

    /** The rule of who may use which client id ({@link BrokerLimits#clientIds()}). */
    ClientIdOwnership clientIdOwnership() {
        return new ClientIdOwnership(limits.clientIds());
    }
}
