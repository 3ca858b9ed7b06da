package dev.magpie.server.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenAPI 3.1 document of the API ({@code GET /api/v1/openapi.json}), made from the router's table, so every
 * route served is described and nothing described is missing. Bodies are described in docs/api.md; here each
 * operation has its summary, path parameters, the paging and filter parameters of lists, its success status and
 * the error answers every call can give.
 */
final class OpenApiDocument {
    private OpenApiDocument() {
    }

    static Map<String, Object> of(List<ApiRouter.Route> routes, String version) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", ApiJson.fields("title", "Magpie admin API", "version", version,
                "description", "Administration of a Magpie MQTT broker. See docs/api.md for bodies and examples."));
        doc.put("servers", List.of(ApiJson.fields("url", "/")));
        Map<String, Object> paths = new LinkedHashMap<>();
        for (ApiRouter.Route r : routes) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(r.openApiPath(), p -> new LinkedHashMap<String, Object>());
            item.put(r.method().toLowerCase(Locale.ROOT), operation(r));
        }
        doc.put("paths", paths);
        doc.put("components", components());
        doc.put("security", List.of(Map.of("bearer", List.of()), Map.of("basic", List.of())));
        return doc;
    }

    private static Map<String, Object> operation(ApiRouter.Route r) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("tags", List.of(r.tag()));
        op.put("summary", r.summary());
        op.put("operationId", operationId(r));
        List<Object> parameters = new ArrayList<>();
        for (String name : r.placeholders()) {
            parameters.add(ApiJson.fields("name", name, "in", "path", "required", true, "schema", Map.of("type", "string"),
                    "description", name.equals("topic") ? "the topic, URL-encoded (it may contain /)" : name));
        }
        if (r.method().equals("GET") && !r.template().contains("{") && !r.open()) {
            parameters.add(query("page", "integer", "page number, from 0"));
            parameters.add(query("size", "integer", "page size, 1.." + ApiCall.MAX_PAGE_SIZE + " (default " + ApiCall.DEFAULT_PAGE_SIZE + ")"));
        }
        if (!parameters.isEmpty()) {
            op.put("parameters", parameters);
        }
        if (r.method().equals("POST") || r.method().equals("PUT")) {
            op.put("requestBody", ApiJson.fields("required", true, "content", Map.of("application/json", Map.of("schema", Map.of("type", "object")))));
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        responses.put(String.valueOf(r.success()), r.success() == 204 ? Map.of("description", "done")
                : ApiJson.fields("description", "done", "content", Map.of("application/json", Map.of("schema", Map.of("type", "object")))));
        responses.put("400", errorRef("the request is malformed"));
        if (!r.open()) {
            responses.put("401", errorRef("not logged in, or not an administrator"));
        }
        responses.put("403", errorRef("insecure_listener: a listener without TLS that is not bound to loopback"));
        if (r.template().contains("{")) {
            responses.put("404", errorRef("no such resource"));
        }
        op.put("responses", responses);
        if (r.open()) {
            op.put("security", List.of());
        }
        return op;
    }

    private static Map<String, Object> query(String name, String type, String description) {
        return ApiJson.fields("name", name, "in", "query", "required", false, "schema", Map.of("type", type), "description", description);
    }

    private static Map<String, Object> errorRef(String description) {
        return ApiJson.fields("description", description, "content",
                Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/Error"))));
    }

    private static String operationId(ApiRouter.Route r) {
        StringBuilder out = new StringBuilder(r.method().toLowerCase(Locale.ROOT));
        for (String segment : r.openApiPath().substring("/api/v1/".length()).split("/")) {
            String word = segment.replace("{", "by_").replace("}", "");
            for (String part : word.split("_")) {
                if (!part.isEmpty()) {
                    out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
                }
            }
        }
        return out.toString();
    }

    private static Map<String, Object> components() {
        Map<String, Object> error = ApiJson.fields("type", "object", "required", List.of("error"), "properties", Map.of("error",
                ApiJson.fields("type", "object", "required", List.of("code", "message"), "properties",
                        ApiJson.fields("code", ApiJson.fields("type", "string", "enum", List.of("bad_request", "unauthorized", "bad_credentials",
                                        "forbidden", "insecure_listener", "not_found", "method_not_allowed", "conflict", "throttled", "unavailable",
                                        "internal")),
                                "message", Map.of("type", "string")))));
        return ApiJson.fields("schemas", Map.of("Error", error), "securitySchemes", ApiJson.fields(
                "bearer", ApiJson.fields("type", "http", "scheme", "bearer", "description", "a login token or an API key (mgp_...)"),
                "basic", ApiJson.fields("type", "http", "scheme", "basic", "description", "an admin user of the built-in database")));
    }
}
