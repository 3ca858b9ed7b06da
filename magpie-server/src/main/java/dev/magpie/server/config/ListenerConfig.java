package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.magpie.Listener;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One entry of {@code listeners:} in the YAML file. Every key has a default, applied in {@link #fromYaml} so a
 * file only needs the keys it changes. Construction validates through {@link Listener} itself, so the config
 * can never accept a value the broker would refuse at start-up.
 *
 * @param name            unique name, used in logs and by {@code Broker.port(name)}
 * @param type            the transport: tcp, tls, ws or wss
 * @param bind            the address to listen on ({@code 0.0.0.0} for all IPv4 interfaces)
 * @param port            the port; 0 picks a free one
 * @param allowAnonymous  whether clients without a user name may connect
 * @param maxConnections  simultaneous connections on this listener, 0 for unlimited
 * @param tls             the {@code tls:} section: present exactly for tls and wss listeners
 * @param websocket       the {@code websocket:} section: present exactly for ws and wss listeners (defaults
 *                        when the file gives none), {@code null} for tcp and tls
 * @param proxyProtocol   whether a PROXY protocol v1/v2 header must come first on every connection
 * @param maxConnectionRate new connections accepted per second (a burst of one second's worth), 0 for unlimited
 */
public record ListenerConfig(String name, ListenerType type, String bind, int port, boolean allowAnonymous,
                             int maxConnections, TlsConfig tls, WebSocketConfig websocket, boolean proxyProtocol,
                             int maxConnectionRate) {

    /** What a listener entry means when it gives no keys: TCP on every interface, port 1883, users only. */
    public static final ListenerConfig DEFAULT = new ListenerConfig("tcp", ListenerType.TCP, "0.0.0.0", 1883, false, 0);

    /** A listener without TLS, WebSocket or PROXY protocol settings (tcp, or ws with default settings). */
    public ListenerConfig(String name, ListenerType type, String bind, int port, boolean allowAnonymous,
                          int maxConnections) {
        this(name, type, bind, port, allowAnonymous, maxConnections, null,
                type != null && type.isWebSocket() ? WebSocketConfig.DEFAULTS : null, false, 0);
    }

    public ListenerConfig {
        Objects.requireNonNull(type, "type");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (bind == null || bind.isBlank()) {
            throw new IllegalArgumentException("bind must not be empty (use 0.0.0.0 for all interfaces)");
        }
        if (type.isSecure() && tls == null) {
            throw new IllegalArgumentException("tls is required for listener '" + name + "' of type "
                    + type.yamlName() + ": add a tls: section with cert_file and key_file (or pkcs12_file)");
        }
        if (!type.isSecure() && tls != null) {
            throw new IllegalArgumentException("tls is only for tls and wss listeners; listener '" + name
                    + "' is " + type.yamlName());
        }
        if (!type.isWebSocket() && websocket != null) {
            throw new IllegalArgumentException("websocket is only for ws and wss listeners; listener '" + name
                    + "' is " + type.yamlName());
        }
        if (type.isWebSocket() && websocket == null) {
            websocket = WebSocketConfig.DEFAULTS;
        }
        try {
            build(name, type, bind, port, allowAnonymous, maxConnections, tls, websocket, proxyProtocol, maxConnectionRate);
        } catch (IllegalArgumentException e) {
            throw ConfigKeys.inYamlTerms(e);
        }
    }

    @JsonCreator
    static ListenerConfig fromYaml(@JsonProperty("name") String name,
                                   @JsonProperty("type") ListenerType type,
                                   @JsonProperty("bind") String bind,
                                   @JsonProperty("port") Integer port,
                                   @JsonProperty("allow_anonymous") Boolean allowAnonymous,
                                   @JsonProperty("max_connections") Integer maxConnections,
                                   @JsonProperty("tls") TlsConfig tls,
                                   @JsonProperty("websocket") WebSocketConfig websocket,
                                   @JsonProperty("proxy_protocol") Boolean proxyProtocol,
                                   @JsonProperty("max_connection_rate") Integer maxConnectionRate) {
        return new ListenerConfig(
                name != null ? name : DEFAULT.name,
                type != null ? type : DEFAULT.type,
                bind != null ? bind : DEFAULT.bind,
                port != null ? port : DEFAULT.port,
                allowAnonymous != null ? allowAnonymous : DEFAULT.allowAnonymous,
                maxConnections != null ? maxConnections : DEFAULT.maxConnections,
                tls,
                websocket,
                proxyProtocol != null ? proxyProtocol : DEFAULT.proxyProtocol,
                maxConnectionRate != null ? maxConnectionRate : DEFAULT.maxConnectionRate);
    }

    /** The broker API's view of this listener. */
    public Listener toListener() {
        return build(name, type, bind, port, allowAnonymous, maxConnections, tls, websocket, proxyProtocol, maxConnectionRate);
    }

    private static Listener build(String name, ListenerType type, String bind, int port, boolean allowAnonymous,
                                  int maxConnections, TlsConfig tls, WebSocketConfig websocket, boolean proxyProtocol,
                                  int maxConnectionRate) {
        Listener listener = switch (type) {
            case TCP -> Listener.tcp(bind, port);
            case TLS -> Listener.tls(bind, port, tls.toSettings());
            case WS -> Listener.ws(bind, port);
            case WSS -> Listener.wss(bind, port, tls.toSettings());
        };
        listener = listener.named(name).anonymous(allowAnonymous).maxConnections(maxConnections)
                .proxyProtocol(proxyProtocol).maxConnectionRate(maxConnectionRate);
        if (type.isWebSocket()) {
            listener = listener.withWebSocket(websocket.toSettings());
        }
        return listener;
    }

    /** This listener with the relative file names of its tls and websocket sections resolved against {@code directory}. */
    public ListenerConfig resolvedAgainst(Path directory) {
        return new ListenerConfig(name, type, bind, port, allowAnonymous, maxConnections,
                tls != null ? tls.resolvedAgainst(directory) : null,
                websocket != null ? websocket.resolvedAgainst(directory) : null, proxyProtocol, maxConnectionRate);
    }

    public ListenerConfig withBind(String newBind) {
        return new ListenerConfig(name, type, newBind, port, allowAnonymous, maxConnections, tls, websocket, proxyProtocol, maxConnectionRate);
    }

    public ListenerConfig withPort(int newPort) {
        return new ListenerConfig(name, type, bind, newPort, allowAnonymous, maxConnections, tls, websocket, proxyProtocol, maxConnectionRate);
    }

    public ListenerConfig withAllowAnonymous(boolean allow) {
        return new ListenerConfig(name, type, bind, port, allow, maxConnections, tls, websocket, proxyProtocol, maxConnectionRate);
    }
}
