package dev.magpie.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.magpie.admin.BrokerAdmin;
import dev.magpie.admin.BrokerStats;
import dev.magpie.admin.ListenerInfo;
import dev.magpie.spi.HttpRoute.Response;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/** The broker as a whole: {@code /api/v1/broker}, {@code /stats}, {@code /listeners}, {@code /config}, {@code /cluster}. */
final class BrokerEndpoints {
    private final BrokerAdmin admin;
    private final String version;
    private final Supplier<JsonNode> maskedConfig;

    BrokerEndpoints(BrokerAdmin admin, String version, Supplier<JsonNode> maskedConfig) {
        this.admin = admin;
        this.version = version;
        this.maskedConfig = maskedConfig;
    }

    void addTo(ApiRouter router) {
        router.add("GET", "/api/v1/broker", "broker", "Version, uptime, listeners and counts", 200, this::broker)
                .add("GET", "/api/v1/stats", "broker", "Cumulative counters for charts", 200, this::stats)
                .add("GET", "/api/v1/listeners", "broker", "The bound listeners", 200, this::listeners)
                .add("GET", "/api/v1/config", "broker", "The effective configuration, secrets masked as ***", 200, this::config)
                .add("GET", "/api/v1/cluster", "broker", "This node's cluster: members, leases, routes, cross-node counts", 200,
                        this::cluster);
    }

    private Response broker(ApiCall call) {
        BrokerStats s = admin.stats();
        return ApiJson.ok(ApiJson.fields("version", version, "uptimeSeconds", Duration.between(s.startedAt(), s.time()).toSeconds(),
                "startedAt", ApiJson.time(s.startedAt()), "listeners", admin.listeners().stream().map(BrokerEndpoints::listener).toList(),
                "connections", s.connections(), "sessions", s.sessionsOnline() + s.sessionsOffline(), "subscriptions", s.subscriptions(),
                "retained", s.retained()));
    }

    private Response stats(ApiCall call) {
        BrokerStats s = admin.stats();
        return ApiJson.ok(ApiJson.fields("time", ApiJson.time(s.time()), "connections", s.connections(), "sessionsOnline", s.sessionsOnline(),
                "sessionsOffline", s.sessionsOffline(), "messagesReceived", s.messagesReceived(), "messagesSent", s.messagesSent(),
                "messagesDropped", s.messagesDropped(), "bytesReceived", s.bytesReceived(), "bytesSent", s.bytesSent(), "subscriptions", s.subscriptions(),
                "retained", s.retained(), "retainedBytes", s.retainedBytes()));
    }

    private Response listeners(ApiCall call) {
        var all = admin.listeners();
        return ApiJson.ok(ApiJson.fields("items", all.stream().map(BrokerEndpoints::listener).toList(), "total", all.size()));
    }

    private Response config(ApiCall call) {
        return ApiJson.ok(maskedConfig.get());
    }

    /** {@code enabled: false} alone for a single broker; a node's view otherwise, from memory (Redis is not asked). */
    private Response cluster(ApiCall call) {
        return ApiJson.ok(admin.cluster().map(c -> ApiJson.fields("enabled", true, "nodeId", c.nodeId(), "nodes", c.nodes(),
                "members", c.members().stream().map(m -> ApiJson.fields("nodeId", m.nodeId(), "incarnation", m.incarnation(),
                        "state", m.alive() ? "alive" : "lease_expired", "self", m.nodeId().equals(c.nodeId()),
                        "routeSeq", m.routeSeq(), "filters", m.filters())).toList(),
                "routes", ApiJson.fields("remoteFilters", c.remoteFilters()),
                "messages", ApiJson.fields("forwarded", c.forwarded(), "received", c.received(), "dropped", c.dropped())))
                .orElseGet(() -> ApiJson.fields("enabled", false)));
    }

    static Map<String, Object> listener(ListenerInfo l) {
        return ApiJson.fields("name", l.name(), "type", l.type(), "bind", l.bind(), "port", l.port(), "tls", l.tls(),
                "websocketPaths", l.websocketPaths(), "allowAnonymous", l.allowAnonymous());
    }
}
