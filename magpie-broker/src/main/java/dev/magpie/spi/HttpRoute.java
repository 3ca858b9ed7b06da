package dev.magpie.spi;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers plain HTTP requests on the broker's {@code ws} and {@code wss} listeners, next to MQTT over
 * WebSocket on the same port: the Java version of the seed's {@code https.createServer((req, res) => ...)}.
 *
 * <pre>{@code
 * Broker.builder()
 *         .listener(Listener.wss("0.0.0.0", 443, tls).withWebSocket(WebSocketSettings.defaults().withPaths("/")))
 *         .httpRoute("/", request -> HttpRoute.Response.text("hello world!"))
 *         ...
 * }</pre>
 *
 * <p>A route is registered for an exact path ({@code "/status"}) or for a path prefix ending in
 * {@code "/*"} ({@code "/api/*"}). A WebSocket upgrade to a configured MQTT path never reaches a route;
 * any other request is offered to the routes first, then to the listener's static files, else answered 404.
 *
 * <p><b>Threading:</b> called on the broker's HTTP executor (a few threads), never on a network event loop,
 * so a short blocking call is acceptable; a slow route delays the other requests waiting for that executor.
 * One connection sends its next request only after the previous one was answered. An exception becomes a
 * 500 answer and one log line.
 */
@FunctionalInterface
public interface HttpRoute {

    Response handle(Request request);

    /**
     * One request, its body complete (bounded by the listener).
     *
     * @param method   "GET", "POST", ...
     * @param path     the decoded path without the query, e.g. {@code /status}
     * @param query    the decoded query parameters; empty without a query
     * @param headers  header names in lower case, each with its values in order
     * @param body     the body bytes; empty without one
     * @param remote   the client's address (after a trusted PROXY header or X-Forwarded-For), null if unknown
     * @param secure   whether the request came over TLS
     * @param listener the name of the listener it came in on; empty if unknown
     * @param rawPath  the path as sent, still percent-encoded (e.g. {@code /api/v1/clients/site%2F7}), for routes whose
     *                 path segments may themselves contain an encoded {@code /}; equal to {@code path} when unknown
     */
    record Request(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers, byte[] body,
                   InetSocketAddress remote, boolean secure, String listener, String rawPath) {
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(rawPath, "rawPath");
            query = Map.copyOf(query);
            headers = Map.copyOf(headers);
            body = body.clone();
        }

        /** A request whose raw path is not known apart from its decoded one. */
        public Request(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers, byte[] body,
                       InetSocketAddress remote, boolean secure, String listener) {
            this(method, path, query, headers, body, remote, secure, listener, path);
        }

        /** A request whose origin is unknown (tests, calls from the application itself). */
        public Request(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers, byte[] body) {
            this(method, path, query, headers, body, null, false, "");
        }

        /** Whether the client is on this machine: a loopback address (127.0.0.0/8, ::1). False if unknown. */
        public boolean fromLoopback() {
            return remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
        }

        /** The first value of a header (name in any case). */
        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        /** The first value of a query parameter. */
        public Optional<String> parameter(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public byte[] body() {
            return body.clone();
        }
    }

    /**
     * The answer.
     *
     * @param status       the HTTP status code, e.g. 200
     * @param contentType  the Content-Type, e.g. {@code text/plain; charset=utf-8}
     * @param body         the body bytes
     * @param headers      further headers (e.g. {@code WWW-Authenticate}, {@code Cache-Control}); Content-Type and
     *                     Content-Length are set by the broker
     */
    record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        public Response {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("HTTP status must be 100..599, was " + status);
            }
            Objects.requireNonNull(contentType, "contentType");
            body = body.clone();
            headers = Map.copyOf(headers);
        }

        public Response(int status, String contentType, byte[] body) {
            this(status, contentType, body, Map.of());
        }

        /** This answer with one more header (replacing one of the same name). */
        public Response withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Response(status, contentType, body, more);
        }

        /** 200 with a UTF-8 text body. */
        public static Response text(String text) {
            return text(200, text);
        }

        public static Response text(int status, String text) {
            return new Response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        }

        /** 200 with a JSON body (already serialised). */
        public static Response json(String json) {
            return json(200, json);
        }

        public static Response json(int status, String json) {
            return new Response(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public byte[] body() {
            return body.clone();
        }
    }
}
