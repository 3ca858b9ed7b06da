package dev.magpie;

import java.util.Objects;
import java.util.Optional;

/**
 * One network endpoint the broker accepts MQTT connections on: plain TCP, TLS, WebSocket over HTTP, or
 * WebSocket over HTTPS. Immutable; the factories give a listener named after its kind, the {@code with…}
 * and other methods return changed copies.
 *
 * <pre>{@code
 * TlsSettings tls = TlsSettings.pem(Path.of("server.crt"), Path.of("server.key"));
 * Broker.builder()
 *         .listener(Listener.tcp("0.0.0.0", 1883))
 *         .listener(Listener.tls("0.0.0.0", 8883, tls))
 *         .listener(Listener.ws("0.0.0.0", 8080))
 *         .listener(Listener.wss("0.0.0.0", 443, tls).withWebSocket(WebSocketSettings.defaults().withPaths("/mqtt", "/")))
 *         ...
 * }</pre>
 *
 * <p>A class rather than a record so that the settings a kind does not use are never {@code null}:
 * {@link #tls()} is an {@link Optional}, and {@link #webSocket()} holds the defaults on every kind.
 */
public final class Listener {

    /** Transports. */
    public enum Kind {
        /** MQTT over TCP (usually port 1883). */
        TCP,
        /** MQTT over TLS (usually port 8883). */
        TLS,
        /** MQTT over WebSocket over HTTP; other HTTP requests get static files and routes. */
        WS,
        /** MQTT over WebSocket over HTTPS, what browsers and WeChat mini programs ({@code wxs://}) need. */
        WSS;

        /** Whether this kind needs {@link TlsSettings}. */
        public boolean isSecure() {
            return this == TLS || this == WSS;
        }

        /** Whether this kind speaks HTTP and WebSocket. */
        public boolean isWebSocket() {
            return this == WS || this == WSS;
        }
    }

    private final String name;
    private final Kind kind;
    private final String host;
    private final int port;
    private final boolean allowAnonymous;
    private final int maxConnections;
    private final TlsSettings tls;
    private final WebSocketSettings webSocket;
    private final boolean proxyProtocol;
    private final int maxConnectionRate;

    /**
     * A listener of a kind without TLS ({@link Kind#TCP} or {@link Kind#WS}, with default WebSocket settings).
     * TLS kinds need their settings: use {@link #tls(String, int, TlsSettings)} or {@link #wss}.
     *
     * @param name            a name for logs and {@link dev.magpie.spi.ClientInfo#listener()}
     * @param kind            the transport
     * @param host            the address to bind ("127.0.0.1", "0.0.0.0", "::")
     * @param port            the port; 0 picks a free one (see {@link Broker#port(String)})
     * @param allowAnonymous  whether a client without a user name may connect when no authenticator decides
     * @param maxConnections  connections accepted at once on this listener; 0 means unlimited
     */
    public Listener(String name, Kind kind, String host, int port, boolean allowAnonymous, int maxConnections) {
        this(name, kind, host, port, allowAnonymous, maxConnections, null, WebSocketSettings.defaults(), false, 0);
    }

    private Listener(String name, Kind kind, String host, int port, boolean allowAnonymous, int maxConnections,
                     TlsSettings tls, WebSocketSettings webSocket, boolean proxyProtocol, int maxConnectionRate) {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.host = Objects.requireNonNull(host, "host");
        this.webSocket = Objects.requireNonNull(webSocket, "webSocket");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (maxConnectionRate < 0) {
            throw new IllegalArgumentException("maxConnectionRate must be >= 0 (0 = unlimited), was " + maxConnectionRate);
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must be >= 0, was " + maxConnections);
        }
        if (kind.isSecure() && tls == null) {
            throw new IllegalArgumentException("a " + kind.name().toLowerCase() + " listener needs TlsSettings: use Listener."
                    + kind.name().toLowerCase() + "(host, port, TlsSettings.pem(certificate, key))");
        }
        if (!kind.isSecure() && tls != null) {
            throw new IllegalArgumentException("a " + kind.name().toLowerCase() + " listener takes no TlsSettings");
        }
        this.port = port;
        this.allowAnonymous = allowAnonymous;
        this.maxConnections = maxConnections;
        this.tls = tls;
        this.proxyProtocol = proxyProtocol;
        this.maxConnectionRate = maxConnectionRate;
    }

    /** A plain TCP listener named "tcp" that refuses anonymous clients. */
    public static Listener tcp(String host, int port) {
        return new Listener("tcp", Kind.TCP, host, port, false, 0);
    }

    /** A TLS listener named "tls" that refuses anonymous clients. */
    public static Listener tls(String host, int port, TlsSettings tls) {
        return new Listener("tls", Kind.TLS, host, port, false, 0, Objects.requireNonNull(tls, "tls"), WebSocketSettings.defaults(), false, 0);
    }

    /** A WebSocket listener named "ws" on path {@code /mqtt} that refuses anonymous clients. */
    public static Listener ws(String host, int port) {
        return new Listener("ws", Kind.WS, host, port, false, 0);
    }

    /** A WebSocket-over-HTTPS listener named "wss" on path {@code /mqtt} that refuses anonymous clients. */
    public static Listener wss(String host, int port, TlsSettings tls) {
        return new Listener("wss", Kind.WSS, host, port, false, 0, Objects.requireNonNull(tls, "tls"), WebSocketSettings.defaults(), false, 0);
    }

    public Listener named(String newName) {
        return new Listener(newName, kind, host, port, allowAnonymous, maxConnections, tls, webSocket, proxyProtocol, maxConnectionRate);
    }

    public Listener anonymous(boolean allow) {
        return new Listener(name, kind, host, port, allow, maxConnections, tls, webSocket, proxyProtocol, maxConnectionRate);
    }

    public Listener maxConnections(int max) {
        return new Listener(name, kind, host, port, allowAnonymous, max, tls, webSocket, proxyProtocol, maxConnectionRate);
    }

    /** The same listener on another port. */
    public Listener withPort(int newPort) {
        return new Listener(name, kind, host, newPort, allowAnonymous, maxConnections, tls, webSocket, proxyProtocol, maxConnectionRate);
    }

    /** Replaces the TLS settings of a {@code tls} or {@code wss} listener. */
    public Listener withTls(TlsSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (!kind.isSecure()) {
            throw new IllegalArgumentException("only tls and wss listeners take TLS settings, " + name + " is " + kind.name().toLowerCase());
        }
        return new Listener(name, kind, host, port, allowAnonymous, maxConnections, settings, webSocket, proxyProtocol, maxConnectionRate);
    }

    /** Sets the HTTP and WebSocket settings of a {@code ws} or {@code wss} listener. */
    public Listener withWebSocket(WebSocketSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (!kind.isWebSocket()) {
            throw new IllegalArgumentException("only ws and wss listeners take WebSocket settings, " + name + " is " + kind.name().toLowerCase());
        }
        return new Listener(name, kind, host, port, allowAnonymous, maxConnections, tls, settings, proxyProtocol, maxConnectionRate);
    }

    /**
     * Expects a PROXY protocol (v1 or v2) header on every connection, as sent by HAProxy, nginx or a cloud
     * load balancer, and takes the client address from it. Connections without a valid header are closed.
     */
    /**
     * At most {@code perSecond} new connections per second on this listener (a burst of one second's worth is
     * allowed); the ones beyond are closed at once, before a byte is read, and logged at most once a second.
     * 0 (the default) means unlimited. Protects against reconnect storms and connection floods.
     */
    public Listener maxConnectionRate(int perSecond) {
        return new Listener(name, kind, host, port, allowAnonymous, maxConnections, tls, webSocket, proxyProtocol, perSecond);
    }

    /** New connections accepted per second; 0 = unlimited. */
    public int maxConnectionRate() {
        return maxConnectionRate;
    }

    public Listener proxyProtocol(boolean expect) {
        return new Listener(name, kind, host, port, allowAnonymous, maxConnections, tls, webSocket, expect, maxConnectionRate);
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public boolean allowAnonymous() {
        return allowAnonymous;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** The TLS settings; present exactly for {@link Kind#TLS} and {@link Kind#WSS}. */
    public Optional<TlsSettings> tls() {
        return Optional.ofNullable(tls);
    }

    /** The HTTP and WebSocket settings; used by {@link Kind#WS} and {@link Kind#WSS}, defaults elsewhere. */
    public WebSocketSettings webSocket() {
        return webSocket;
    }

    /** Whether a PROXY protocol header is expected first on every connection. */
    public boolean proxyProtocol() {
        return proxyProtocol;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Listener l && name.equals(l.name) && kind == l.kind && host.equals(l.host) && port == l.port
                && allowAnonymous == l.allowAnonymous && maxConnections == l.maxConnections && Objects.equals(tls, l.tls)
                && webSocket.equals(l.webSocket) && proxyProtocol == l.proxyProtocol && maxConnectionRate == l.maxConnectionRate;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, kind, host, port, allowAnonymous, maxConnections, tls, webSocket, proxyProtocol, maxConnectionRate);
    }

    @Override
    public String toString() {
        return "Listener[" + name + ", " + kind.name().toLowerCase() + " " + host + ":" + port + (allowAnonymous ? ", anonymous" : "")
                + (maxConnections > 0 ? ", max " + maxConnections : "") + (maxConnectionRate > 0 ? ", " + maxConnectionRate + " connections/s" : "") + (tls != null ? ", " + tls : "")
                + (kind.isWebSocket() ? ", " + webSocket : "") + (proxyProtocol ? ", proxy protocol" : "") + "]";
    }
}
