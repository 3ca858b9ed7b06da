package dev.magpie.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.magpie.admin.BrokerAdmin;
import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.security.acl.AclRule;
import dev.magpie.spi.Ban;
import dev.magpie.spi.HttpRoute.Response;
import dev.magpie.store.StoredAclRules.StoredAclRule;
import dev.magpie.store.User;
import dev.magpie.store.UserStore;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Users, ACL rules and API keys of the built-in database, and bans: {@code /api/v1/users}, {@code /acl}, {@code /apikeys}, {@code /bans}. */
final class SecurityEndpoints {
    private final BrokerAdmin admin;
    private final UserStore users;
    private final Supplier<Optional<AclAuthorizer>> fileAcl;

    /** {@code fileAcl}: the ACL file's rules in force now, shown read-only beside the database's. */
    SecurityEndpoints(BrokerAdmin admin, UserStore users, Supplier<Optional<AclAuthorizer>> fileAcl) {
        this.admin = admin;
        this.users = users;
        this.fileAcl = fileAcl;
    }

    void addTo(ApiRouter router) {
        router.add("GET", "/api/v1/users", "users", "List the users of the built-in database", 200, this::listUsers)
                .add("POST", "/api/v1/users", "users", "Add a user (name, password, admin)", 201, this::addUser)
                .add("GET", "/api/v1/users/{name}", "users", "One user", 200, this::user)
                .add("PUT", "/api/v1/users/{name}", "users", "Change a user's password and/or admin flag", 200, this::changeUser)
                .add("DELETE", "/api/v1/users/{name}", "users", "Remove a user", 204, this::removeUser)
                .add("GET", "/api/v1/acl", "acl", "ACL rules: the database's (editable) and the ACL file's (read-only)", 200, this::listAcl)
                .add("POST", "/api/v1/acl", "acl", "Add an ACL rule to the database", 201, this::addAcl)
                .add("DELETE", "/api/v1/acl/{id}", "acl", "Remove an ACL rule from the database", 204, this::removeAcl)
                .add("GET", "/api/v1/apikeys", "apikeys", "List API keys (names only)", 200, this::listKeys)
                .add("POST", "/api/v1/apikeys", "apikeys", "Make an API key (shown once)", 201, this::addKey)
                .add("DELETE", "/api/v1/apikeys/{name}", "apikeys", "Remove an API key", 204, this::removeKey)
                .add("GET", "/api/v1/bans", "bans", "List the bans in force", 200, this::listBans)
                .add("POST", "/api/v1/bans", "bans", "Ban a client id, user name or address (kind, value, reason, durationSeconds)", 201,
                        this::addBan)
                .add("DELETE", "/api/v1/bans/{id+}", "bans", "Lift a ban (id is kind:value, e.g. username:mallory)", 204, this::removeBan);
    }

    // ---- users ----

    private Response listUsers(ApiCall call) {
        return ApiJson.ok(ApiJson.page(users.list(), call, SecurityEndpoints::user));
    }

    private Response user(ApiCall call) {
        return ApiJson.ok(user(users.find(call.param("name")).orElseThrow(() -> noUser(call.param("name")))));
    }

    private Response addUser(ApiCall call) {
        JsonNode body = call.body();
        String name = call.requiredText(body, "name");
        char[] password = call.requiredText(body, "password").toCharArray();
        try {
            users.add(name, password, call.boolField(body, "admin", false));
        } finally {
            Arrays.fill(password, '\0');
        }
        return ApiJson.json(201, user(users.find(name).orElseThrow()));
    }

    private Response changeUser(ApiCall call) {
        String name = call.param("name");
        JsonNode body = call.body();
        if (users.find(name).isEmpty()) {
            throw noUser(name);
        }
        if (body.hasNonNull("password")) {
            char[] password = call.requiredText(body, "password").toCharArray();
            try {
                users.setPassword(name, password);
            } finally {
                Arrays.fill(password, '\0');
            }
        }
        if (body.has("admin")) {
            boolean admin = call.boolField(body, "admin", false);
            if (!admin && call.caller().equals("user:" + name)) {
                throw ApiException.conflict("you cannot take your own admin flag away (another administrator can)");
            }
            users.setAdmin(name, admin);
        }
        return ApiJson.ok(user(users.find(name).orElseThrow(() -> noUser(name))));
    }

    private Response removeUser(ApiCall call) {
        String name = call.param("name");
        if (call.caller().equals("user:" + name)) {
            throw ApiException.conflict("you cannot remove the user you are logged in as");
        }
        users.remove(name);
        return ApiJson.noContent();
    }

    private static Map<String, Object> user(User u) {
        return ApiJson.fields("name", u.name(), "admin", u.admin(), "createdAt", ApiJson.time(u.createdAt()), "updatedAt",
                ApiJson.time(u.updatedAt()));
    }

    private static ApiException noUser(String name) {
        return ApiException.notFound("there is no user '" + name + "' in the built-in database");
    }

    // ---- ACL ----

    private Response listAcl(ApiCall call) {
        List<Object> stored = users.aclRules().list().stream().map(r -> (Object) ApiJson.fields("id", r.id(), "user", r.username(),
                "pattern", r.pattern(), "access", r.access(), "topic", r.topic(), "source", "database")).toList();
        List<Object> file = fileAcl.get().map(AclAuthorizer::rules).orElse(List.of()).stream().map(SecurityEndpoints::fileRule).toList();
        return ApiJson.ok(ApiJson.fields("items", stored, "total", stored.size(), "fileRules", file,
                "fileDefault", fileAcl.get().map(a -> a.defaultDecision().name().toLowerCase(Locale.ROOT)).orElse(null)));
    }

    private static Object fileRule(AclRule r) {
        return ApiJson.fields("user", r.subject().username(), "subject", r.subject().kind().name().toLowerCase(Locale.ROOT), "pattern", r.pattern(),
                "access", r.access().keyword(), "topic", r.filter(), "source", r.source());
    }

    private Response addAcl(ApiCall call) {
        JsonNode body = call.body();
        String user = body.hasNonNull("user") ? call.requiredText(body, "user") : null;
        StoredAclRule rule = new StoredAclRule(0, user, call.boolField(body, "pattern", false), call.requiredText(body, "access"),
                call.requiredText(body, "topic"));
        try {
            long id = users.aclRules().add(rule);
            return ApiJson.json(201, ApiJson.fields("id", id, "user", rule.username(), "pattern", rule.pattern(),
                    "access", rule.access().toLowerCase(Locale.ROOT), "topic", rule.topic(), "source", "database"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private Response removeAcl(ApiCall call) {
        long id;
        try {
            id = Long.parseLong(call.param("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("an ACL rule id is a number, not '" + call.param("id") + "'");
        }
        if (!users.aclRules().remove(id)) {
            throw ApiException.notFound("there is no ACL rule " + id + " in the database");
        }
        return ApiJson.noContent();
    }

    // ---- API keys ----

    private Response listKeys(ApiCall call) {
        return ApiJson.ok(ApiJson.page(users.apiKeys().list(), call, k -> ApiJson.fields("name", k.name(), "createdAt", ApiJson.time(k.createdAt()))));
    }

    private Response addKey(ApiCall call) {
        String name = call.requiredText(call.body(), "name");
        String key = users.apiKeys().add(name);
        return ApiJson.json(201, ApiJson.fields("name", name, "key", key));
    }

    private Response removeKey(ApiCall call) {
        users.apiKeys().remove(call.param("name"));
        return ApiJson.noContent();
    }

    // ---- bans ----

    private Response listBans(ApiCall call) {
        return ApiJson.ok(ApiJson.page(admin.bans().list(), call, SecurityEndpoints::ban));
    }

    private Response addBan(ApiCall call) {
        JsonNode body = call.body();
        Ban.Kind kind = kind(call.requiredText(body, "kind"));
        String value = call.requiredText(body, "value");
        try {
            Ban ban = switch (kind) {
                case CLIENT_ID -> Ban.clientId(value);
                case USERNAME -> Ban.username(value);
                case ADDRESS -> Ban.address(value);
            };
            if (body.hasNonNull("reason")) {
                ban = ban.because(body.get("reason").asText());
            }
            if (body.hasNonNull("durationSeconds")) {
                ban = ban.forDuration(Duration.ofSeconds(call.intField(body, "durationSeconds", 0, 1, Integer.MAX_VALUE)));
            } else if (body.hasNonNull("expiresAt")) {
                ban = ban.until(Instant.parse(body.get("expiresAt").asText()));
            }
            return ApiJson.json(201, ban(admin.bans().add(ban)));
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("\"expiresAt\" must be an ISO-8601 instant, e.g. 2030-01-01T00:00:00Z");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private Response removeBan(ApiCall call) {
        String id = call.param("id");
        int colon = id.indexOf(':');
        if (colon < 0) {
            throw ApiException.badRequest("a ban id is kind:value, e.g. username:mallory or address:198.51.100.0/24");
        }
        if (!admin.bans().remove(kind(id.substring(0, colon)), id.substring(colon + 1))) {
            throw ApiException.notFound("there is no ban " + id);
        }
        return ApiJson.noContent();
    }

    private static Ban.Kind kind(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "client_id", "clientid" -> Ban.Kind.CLIENT_ID;
            case "username", "user" -> Ban.Kind.USERNAME;
            case "address" -> Ban.Kind.ADDRESS;
            default -> throw ApiException.badRequest("kind must be client_id, username or address, not '" + text + "'");
        };
    }

    private static Map<String, Object> ban(Ban b) {
        String kind = b.kind().name().toLowerCase(Locale.ROOT);
        return ApiJson.fields("id", kind + ":" + b.value(), "kind", kind, "value", b.value(), "reason", b.reason().isEmpty() ? null : b.reason(),
                "expiresAt", b.isPermanent() ? null : ApiJson.time(b.until()));
    }
}
