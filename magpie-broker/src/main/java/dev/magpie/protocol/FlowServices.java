package dev.magpie.protocol;

import dev.magpie.BrokerCapabilities;
import dev.magpie.BrokerLimits;
import dev.magpie.BrokerSettings;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.EventDispatcher;
import dev.magpie.routing.Distributor;
import dev.magpie.security.AuthorizationChain;
import dev.magpie.session.SessionRegistry;

/**
 * What {@link InboundFlows} works with after CONNECT: the capabilities and limits a PUBLISH or SUBSCRIBE is held
 * to, the authorizers, the publish pipeline and the distributor, the session life cycle (persistence, durable
 * acknowledgements), events and metrics, and the session registry for the per-user quotas. One per broker.
 */
public record FlowServices(BrokerSettings settings, BrokerCapabilities capabilities, BrokerLimits limits, AuthorizationChain authorization,
                           PublishPipeline pipeline, Distributor distributor, SessionLifecycle lifecycle, EventDispatcher events,
                           BrokerMetrics metrics, SessionRegistry sessions) {
}
