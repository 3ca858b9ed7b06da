package dev.magpie.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.magpie.admin.BrokerAdmin;
import dev.magpie.admin.ClientDetails;
import dev.magpie.admin.ClientFilter;
import dev.magpie.admin.ClientState;
import dev.magpie.admin.ClientSummary;
import dev.magpie.admin.SubscriptionInfo;
import dev.magpie.session.MessageSummary;
import dev.magpie.spi.HttpRoute.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Clients, sessions and their subscriptions: {@code /api/v1/clients}, {@code /sessions}, {@code /subscriptions}. */
final class ClientEndpoints {
    private final BrokerAdmin admin;

    ClientEndpoints(BrokerAdmin admin) {
        this.admin = admin;
    }

    void addTo(ApiRouter router) {
        router.add("GET", "/api/v1/clients", "clients", "List clients (filters: state, user, address, q; paging)", 200, this::list)
                .add("POST", "/api/v1/clients/kick", "clients", "Kick several clients at once", 200, this::kickMany)
                .add("GET", "/api/v1/clients/{clientId}", "clients", "One client with its subscriptions, in-flight and queued messages", 200,
                        this::details)
                .add("DELETE", "/api/v1/clients/{clientId}", "clients", "Kick a client (5.0: DISCONNECT 0x98); ?session=true also deletes its session",
                        204, this::kick)
                .add("GET", "/api/v1/clients/{clientId}/subscriptions", "subscriptions", "A client's subscriptions", 200, this::subscriptionsOf)
                .add("POST", "/api/v1/clients/{clientId}/subscriptions", "subscriptions", "Subscribe a client as if it had sent SUBSCRIBE", 201,
                        this::subscribe)
                .add("DELETE", "/api/v1/clients/{clientId}/subscriptions", "subscriptions", "Remove a client's subscription (?filter=)", 204,
                        this::unsubscribe)
                .add("GET", "/api/v1/sessions", "sessions", "List sessions (default state=offline)", 200, this::sessions)
                .add("DELETE", "/api/v1/sessions/{clientId}", "sessions", "Delete an offline session", 204, this::deleteSession)
                .add("GET", "/api/v1/subscriptions", "subscriptions", "List all subscriptions (?filter= substring; paging)", 200, this::subscriptions);
    }

    private Response list(ApiCall call) {
        return ApiJson.ok(ApiJson.page(admin.clients(filter(call, ClientState.ALL), call.page(), call.size()), ClientEndpoints::summary));
    }

    private Response sessions(ApiCall call) {
        ClientFilter filter = filter(call, ClientState.DISCONNECTED);
        return ApiJson.ok(ApiJson.page(admin.clients(filter, call.page(), call.size()), ClientEndpoints::summary));
    }

    private static ClientFilter filter(ApiCall call, ClientState fallback) {
        ClientState state = call.query("state").map(ClientEndpoints::state).orElse(fallback);
        return new ClientFilter(state, call.query("user").orElse(null), call.query("address").orElse(null), call.query("q").orElse(null));
    }

    private static ClientState state(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "connected", "online" -> ClientState.CONNECTED;
            case "disconnected", "offline" -> ClientState.DISCONNECTED;
            case "all" -> ClientState.ALL;
            default -> throw ApiException.badRequest("state must be connected, disconnected (offline) or all, not '" + text + "'");
        };
    }

    private Response details(ApiCall call) {
        ClientDetails d = admin.client(call.param("clientId")).orElseThrow(() -> noSession(call));
        Map<String, Object> out = summary(d.summary());
        out.put("subscriptionList", d.subscriptions().stream().map(ClientEndpoints::subscription).toList());
        out.put("inflightList", d.inflight().stream().map(ClientEndpoints::message).toList());
        out.put("queuedList", d.queued().stream().map(ClientEndpoints::message).toList());
        return ApiJson.ok(out);
    }

    private Response kick(ApiCall call) {
        if (!admin.kick(call.param("clientId"), call.flag("session"))) {
            throw ApiException.notFound("no client is connected with the id '" + call.param("clientId") + "'");
        }
        return ApiJson.noContent();
    }

    private Response kickMany(ApiCall call) {
        JsonNode ids = call.body().path("clientIds");
        if (!ids.isArray()) {
            throw ApiException.badRequest("the body needs \"clientIds\": [\"id\", ...]");
        }
        boolean session = call.boolField(call.body(), "session", false);
        List<String> kicked = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.isTextual()) {
                throw ApiException.badRequest("\"clientIds\" must hold text only");
            }
            (admin.kick(id.asText(), session) ? kicked : notFound).add(id.asText());
        }
        return ApiJson.ok(ApiJson.fields("kicked", kicked, "notFound", notFound));
    }

    private Response deleteSession(ApiCall call) {
        return switch (admin.deleteSession(call.param("clientId"))) {
            case DELETED -> ApiJson.noContent();
            case CONNECTED -> throw ApiException.conflict("client '" + call.param("clientId")
                    + "' is connected: kick it with DELETE /api/v1/clients/{clientId}?session=true");
            case NOT_FOUND -> throw noSession(call);
        };
    }

    private Response subscriptionsOf(ApiCall call) {
        List<SubscriptionInfo> subs = admin.subscriptionsOf(call.param("clientId")).orElseThrow(() -> noSession(call));
        return ApiJson.ok(ApiJson.fields("items", subs.stream().map(ClientEndpoints::subscription).toList(), "total", subs.size()));
    }

    private Response subscribe(ApiCall call) {
        JsonNode body = call.body();
        String filter = call.requiredText(body, "filter");
        int qos = call.intField(body, "qos", 0, 0, 2);
        try {
            int granted = admin.subscribe(call.param("clientId"), filter, qos, call.boolField(body, "noLocal", false),
                    call.boolField(body, "retainAsPublished", false), call.intField(body, "retainHandling", 0, 0, 2)).orElseThrow(() -> noSession(call));
            return ApiJson.json(201, ApiJson.fields("clientId", call.param("clientId"), "filter", filter, "qos", granted));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private Response unsubscribe(ApiCall call) {
        String filter = call.query("filter").orElseThrow(() -> ApiException.badRequest("give the subscription as ?filter=..."));
        if (!admin.unsubscribe(call.param("clientId"), filter)) {
            throw ApiException.notFound("client '" + call.param("clientId") + "' has no subscription to '" + filter + "'");
        }
        return ApiJson.noContent();
    }

    private Response subscriptions(ApiCall call) {
        List<SubscriptionInfo> all = admin.subscriptions(call.query("filter").orElse(null));
        return ApiJson.ok(ApiJson.page(all, call, s -> ApiJson.fields("clientId", s.clientId(), "filter", s.filter(), "qos", s.qos(),
                "shareGroup", s.shareGroup())));
    }

    private static ApiException noSession(ApiCall call) {
        return ApiException.notFound("there is no session with the client id '" + call.param("clientId") + "'");
    }

    static Map<String, Object> summary(ClientSummary c) {
        return ApiJson.fields("clientId", c.clientId(), "username", c.username(), "address", c.address(), "connected", c.connected(),
                "protocol", c.protocol(), "connectedAt", ApiJson.time(c.connectedAt()), "keepAlive", c.keepAlive(), "cleanStart", c.cleanStart(),
                "sessionExpiry", c.sessionExpiry(), "subscriptions", c.subscriptions(), "inflight", c.inflight(), "queued", c.queued());
    }

    private static Map<String, Object> subscription(SubscriptionInfo s) {
        return ApiJson.fields("filter", s.filter(), "qos", s.qos(), "noLocal", s.noLocal(), "retainAsPublished", s.retainAsPublished(),
                "retainHandling", s.retainHandling(), "shareGroup", s.shareGroup());
    }

    private static Map<String, Object> message(MessageSummary m) {
        return ApiJson.fields("packetId", m.packetId(), "topic", m.topic(), "qos", m.qos(), "bytes", m.bytes());
    }
}
