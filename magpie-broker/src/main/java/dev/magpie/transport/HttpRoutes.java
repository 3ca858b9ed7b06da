package dev.magpie.transport;

import dev.magpie.spi.HttpRoute;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The HTTP routes the embedding application registered, and the executor they run on (never an event loop).
 * Exact paths win over prefixes ({@code "/api/*"}); among prefixes the longest wins.
 */
public final class HttpRoutes {
    private final Map<String, HttpRoute> exact = new LinkedHashMap<>();
    private final List<Map.Entry<String, HttpRoute>> prefixes = new ArrayList<>();
    private final Executor executor;

    public HttpRoutes(Map<String, HttpRoute> routes, Executor executor) {
        this.executor = executor;
        routes.forEach((path, route) -> {
            if (path.endsWith("/*")) {
                prefixes.add(Map.entry(path.substring(0, path.length() - 1), route));
            } else {
                exact.put(path, route);
            }
        });
        prefixes.sort(Comparator.comparingInt((Map.Entry<String, HttpRoute> e) -> e.getKey().length()).reversed());
    }

    /** Checks a path given to {@code Broker.Builder.httpRoute}. */
    public static void validate(String path) {
        if (!path.startsWith("/") || path.indexOf('*') >= 0 && !(path.endsWith("/*") && path.indexOf('*') == path.length() - 1)) {
            throw new IllegalArgumentException("an HTTP route path starts with '/' and may end in '/*' for a prefix, was '" + path + "'");
        }
    }

    Optional<HttpRoute> find(String path) {
        HttpRoute route = exact.get(path);
        if (route != null) {
            return Optional.of(route);
        }
        for (Map.Entry<String, HttpRoute> p : prefixes) {
            if (path.startsWith(p.getKey())) {
                return Optional.of(p.getValue());
            }
        }
        return Optional.empty();
    }

    Executor executor() {
        return executor;
    }
}
