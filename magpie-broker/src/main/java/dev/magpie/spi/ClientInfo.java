package dev.magpie.spi;

import java.net.InetSocketAddress;
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
 */
public record ClientInfo(String clientId, String username, InetSocketAddress remoteAddress, int protocolLevel,
                         String listener) {

    /** The broker itself, as the origin of messages published through {@code Broker.publish}. */
    public static final ClientInfo SERVER = new ClientInfo("$server", null, null, 5, "internal");

    public ClientInfo {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(listener, "listener");
    }

    public Optional<String> user() {
        return Optional.ofNullable(username);
    }

    public boolean isServer() {
        return this == SERVER;
    }
}
