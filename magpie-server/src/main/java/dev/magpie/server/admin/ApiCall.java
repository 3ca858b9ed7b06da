package dev.magpie.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.magpie.spi.HttpRoute;

import java.util.Map;
import java.util.Optional;

/**
 * One API request as a handler sees it: the HTTP request, the values of the route's {@code {placeholders}}, and
 * who is calling ({@code user:NAME} or {@code apikey:NAME}; empty for calls that need no login).
 */
record ApiCall(HttpRoute.Request request, Map<String, String> params, String caller) {
    /** Largest page size a list answers with. */
    static final int MAX_PAGE_SIZE = 500;
    static final int DEFAULT_PAGE_SIZE = 50;

    String param(String name) {
        return params.get(name);
    }

    Optional<String> query(String name) {
        return request.parameter(name).filter(v -> !v.isEmpty());
    }

    boolean flag(String name) {
        return query(name).map(v -> v.equals("true") || v.equals("1") || v.equals("yes")).orElse(false);
    }

    int page() {
        return intQuery("page", 0, 0, Integer.MAX_VALUE);
    }

    int size() {
        return intQuery("size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    }

    int intQuery(String name, int fallback, int min, int max) {
        Optional<String> value = query(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.get());
            if (n < min || n > max) {
                throw ApiException.badRequest(name + " must be " + min + ".." + max + ", was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, was '" + value.get() + "'");
        }
    }

    /** The body as JSON (an object is expected; an empty body reads as a missing node). */
    JsonNode body() {
        byte[] bytes = request.body();
        if (bytes.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = ApiJson.MAPPER.readTree(bytes);
            if (!node.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("the body cannot be read: " + e.getMessage());
        }
    }

    /** The text field {@code name} of the body, required. */
    String requiredText(JsonNode body, String name) {
        JsonNode v = body.path(name);
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw ApiException.badRequest("the body needs a text field \"" + name + "\"");
        }
        return v.asText();
    }

    /** The whole-number field {@code name} of the body, {@code fallback} if absent. */
    int intField(JsonNode body, String name, int fallback, int min, int max) {
        JsonNode v = body.path(name);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isInt() || v.asInt() < min || v.asInt() > max) {
            throw ApiException.badRequest("\"" + name + "\" must be a whole number " + min + ".." + max);
        }
        return v.asInt();
    }

    boolean boolField(JsonNode body, String name, boolean fallback) {
        JsonNode v = body.path(name);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest("\"" + name + "\" must be true or false");
        }
        return v.asBoolean();
    }
}
