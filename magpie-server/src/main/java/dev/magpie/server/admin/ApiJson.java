package dev.magpie.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.magpie.admin.Page;
import dev.magpie.spi.HttpRoute;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How the API writes JSON: answers are built as ordered maps (so the field names and order are the contract, in
 * one visible place per resource, not whatever a record's accessors happen to be), times as ISO-8601 text.
 */
final class ApiJson {
    /** Thread-safe once configured; shared by the API's handlers. */
    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private ApiJson() {
    }

    static HttpRoute.Response ok(Object body) {
        return json(200, body);
    }

    static HttpRoute.Response json(int status, Object body) {
        try {
            return HttpRoute.Response.json(status, MAPPER.writeValueAsString(body)).withHeader("Cache-Control", "no-store");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static HttpRoute.Response noContent() {
        return new HttpRoute.Response(204, "application/json", new byte[0]).withHeader("Cache-Control", "no-store");
    }

    static HttpRoute.Response error(int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        return json(status, Map.of("error", error));
    }

    /** {@code {"items": [...], "total", "page", "size"}}. */
    static <T> Map<String, Object> page(Page<T> page, Function<T, Object> item) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", page.items().stream().map(item).toList());
        out.put("total", page.total());
        out.put("page", page.page());
        out.put("size", page.size());
        return out;
    }

    static <T> Map<String, Object> page(List<T> all, ApiCall call, Function<T, Object> item) {
        return page(Page.of(all, call.page(), call.size()), item);
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** An ordered map from alternating keys and values: {@code fields("name", n, "admin", true)}. */
    static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }
}
