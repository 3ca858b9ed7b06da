package dev.magpie.protocol;

import dev.magpie.BrokerLimits;
import dev.magpie.BrokerSettings;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.EventDispatcher;
import dev.magpie.security.ban.BanList;

/**
 * What a transport needs to give each new channel its {@link MqttConnection}: the connection's own few
 * collaborators (timeouts and limits, metrics, events, the session life cycle, the ban list the transport's guard
 * checks before a byte is read) and, passed on untouched, what its {@link ConnectGate} ({@link Admission}) and its
 * {@link InboundFlows} ({@link FlowServices}) use. One per broker.
 */
public record ConnectionServices(BrokerSettings settings, BrokerLimits limits, BrokerMetrics metrics, EventDispatcher events,
                                 SessionLifecycle lifecycle, BanList bans, Admission admission, FlowServices flows) {
}
