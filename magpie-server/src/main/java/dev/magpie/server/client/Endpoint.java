package dev.magpie.server.client;

import java.net.URI;

/**
 * Where a client connects: host and port, with TLS ({@link ClientTls#enabled()}) and/or WebSocket on a path.
 *
 * <pre>{@code
 * Endpoint plain = Endpoint.tcp("localhost", 1883, ClientTls.off());
 * Endpoint secureWs = Endpoint.webSocket("mqtt.example.com", 443, "/mqtt", ClientTls.trustingSystemRoots());
 * }</pre>
 *
 * @param webSocketPath the HTTP path of the WebSocket upgrade; empty for MQTT straight over TCP/TLS
 */
public record Endpoint(String host, int port, String webSocketPath, ClientTls tls) {

    public Endpoint {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("a host is needed");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        }
        if (!webSocketPath.isEmpty() && !webSocketPath.startsWith("/")) {
            throw new IllegalArgumentException("the WebSocket path '" + webSocketPath + "' must start with /");
        }
    }

    public static Endpoint tcp(String host, int port, ClientTls tls) {
        return new Endpoint(host, port, "", tls);
    }

    public static Endpoint webSocket(String host, int port, String path, ClientTls tls) {
        return new Endpoint(host, port, path.isEmpty() ? "/" : path, tls);
    }

    public boolean isWebSocket() {
        return !webSocketPath.isEmpty();
    }

    /** The URI of the WebSocket upgrade ({@code ws://host:port/path} or {@code wss://...}). */
    URI webSocketUri() {
        String literalHost = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create((tls.enabled() ? "wss" : "ws") + "://" + literalHost + ":" + port + webSocketPath);
    }

    /** {@code mqtt://host:port}, {@code mqtts://…}, {@code ws://host:port/path} or {@code wss://…}, for messages. */
    @Override
    public String toString() {
        String scheme = isWebSocket() ? (tls.enabled() ? "wss" : "ws") : (tls.enabled() ? "mqtts" : "mqtt");
        return scheme + "://" + host + ":" + port + webSocketPath;
    }
}
