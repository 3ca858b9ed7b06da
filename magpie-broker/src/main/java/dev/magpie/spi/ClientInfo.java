package dev.magpie.spi;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a connected client is, as the broker sees it after authentication.
 *
 * @param clientId       the MQTT client identifier (assigned by the broker if the client sent none)
 * @param username       the authenticated user name, or {@code null} for an anonymous client
 * @param remoteAddress  the peer address of the connection ({@code null} for {@link #SERVER})
 * @param protocolLevel  3 (MQTT 3.1), 4 (3.1.1) or 5 (5.0)
 * @param listener       the name of the listener the client connected through
 * @param attributes     what the authenticator that admitted the client attached to its answer
 *                       ({@link AuthResult#withAttribute}), e.g. the ACL granted by a JWT; empty otherwise
 */
public record ClientInfo(String clientId, String username, InetSocketAddress remoteAddress, int protocolLevel,
                         String listener, Map<String, Object> attributes) {

    /** The broker itself, as the origin of messages published through {@code Broker.publish}. */
    public static final ClientInfo SERVER = new ClientInfo("$server", null, null, 5, "internal");

    public ClientInfo {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(listener, "listener");
        attributes = Map.copyOf(attributes);
    }

    /** A client without attributes. */
    public ClientInfo(String clientId, String username, InetSocketAddress remoteAddress, int protocolLevel, String listener) {
        this(clientId, username, remoteAddress, protocolLevel, listener, Map.of());
    }

    /** The attribute {@code name} if the authenticator set one of type {@code type}. */
    public <T> Optional<T> attribute(String name, Class<T> type) {
        Object value = attributes.get(name);
        return type.isInstance(value) ? Optional.of(type.cast(value)) : Optional.empty();
    }

    public Optional<String> user() {
        return Optional.ofNullable(username);
    }

    public boolean isServer() {
        return this == SERVER;
    }
}
