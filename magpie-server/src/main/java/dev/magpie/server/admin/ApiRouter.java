package dev.magpie.server.admin;

import dev.magpie.spi.HttpRoute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The API's route table: method + path template ({@code /api/v1/clients/{clientId}}) → handler. A placeholder
 * matches one path segment, except a trailing {@code {name+}}, which takes the rest of the path (a retained
 * message's topic, which may contain {@code /}). The table is also what the OpenAPI document is made from
 * ({@link OpenApiDocument}), so the two cannot drift apart.
 */
final class ApiRouter {

    /**
     * One operation.
     *
     * @param method    GET, POST, PUT or DELETE
     * @param template  the path with {@code {placeholders}}
     * @param summary   one line for the OpenAPI document
     * @param tag       the OpenAPI tag (resource group)
     * @param open      true for the few calls that need no login (login, the OpenAPI document)
     * @param success   the status of a successful answer (200, 201, 202, 204)
     * @param handler   what answers it
     */
    record Route(String method, String template, String summary, String tag, boolean open, int success,
                 Function<ApiCall, HttpRoute.Response> handler) {
        /** The template as OpenAPI writes it: {@code {topic+}} becomes {@code {topic}}. */
        String openApiPath() {
            return template.replace("+}", "}");
        }

        List<String> placeholders() {
            List<String> out = new ArrayList<>();
            for (String segment : template.split("/")) {
                if (segment.startsWith("{")) {
                    out.add(segment.substring(1, segment.length() - 1).replace("+", ""));
                }
            }
            return out;
        }
    }

    /** A route that matched, and the values of its placeholders. */
    record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes = new ArrayList<>();

    ApiRouter add(String method, String template, String tag, String summary, int success, Function<ApiCall, HttpRoute.Response> handler) {
        routes.add(new Route(method, template, summary, tag, false, success, handler));
        return this;
    }

    ApiRouter addOpen(String method, String template, String tag, String summary, int success, Function<ApiCall, HttpRoute.Response> handler) {
        routes.add(new Route(method, template, summary, tag, true, success, handler));
        return this;
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    /**
     * The route for {@code method} and {@code rawPath}; empty if none. The path is split at its literal {@code /}
     * before each segment is percent-decoded, so a client id such as {@code site/7} is asked for as
     * {@code /api/v1/clients/site%2F7} and stays one segment.
     */
    Optional<Match> match(String method, String rawPath) {
        for (Route r : routes) {
            if (r.method.equals(method)) {
                Map<String, String> params = matchPath(r.template, rawPath);
                if (params != null) {
                    return Optional.of(new Match(r, params));
                }
            }
        }
        return Optional.empty();
    }

    /** Whether some route serves {@code rawPath} with another method (405 rather than 404). */
    boolean knowsPath(String rawPath) {
        return routes.stream().anyMatch(r -> matchPath(r.template, rawPath) != null);
    }

    private static Map<String, String> matchPath(String template, String rawPath) {
        String[] t = template.split("/", -1);
        String[] p = rawPath.split("/", -1);
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < t.length; i++) {
            String seg = t[i];
            if (seg.startsWith("{") && seg.endsWith("+}")) {
                if (i >= p.length) {
                    return null;
                }
                String[] tail = java.util.Arrays.copyOfRange(p, i, p.length);
                for (int k = 0; k < tail.length; k++) {
                    tail[k] = decodeSegment(tail[k]);
                }
                String rest = String.join("/", tail);
                if (rest.isEmpty()) {
                    return null;
                }
                params.put(seg.substring(1, seg.length() - 2), rest);
                return params;
            }
            if (i >= p.length) {
                return null;
            }
            if (seg.startsWith("{")) {
                if (p[i].isEmpty()) {
                    return null;
                }
                params.put(seg.substring(1, seg.length() - 1), decodeSegment(p[i]));
            } else if (!seg.equals(decodeSegment(p[i]))) {
                return null;
            }
        }
        return t.length == p.length ? params : null;
    }

    /**
     * One path segment percent-decoded as UTF-8. A {@code +} stays a plus (it means a space only in a query); the
     * HTTP listener has already refused malformed percent-encoding (400), so a bad escape here is left as it is.
     */
    static String decodeSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }
}
