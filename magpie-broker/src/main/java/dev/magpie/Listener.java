package dev.magpie;

import java.util.Objects;

/**
 * One network endpoint the broker accepts MQTT connections on.
 *
 * @param name            a name for logs and {@link dev.magpie.spi.ClientInfo#listener()}
 * @param kind            the transport
 * @param host            the address to bind ("127.0.0.1", "0.0.0.0", "::")
 * @param port            the port; 0 picks a free one (see {@link Broker#port(String)})
 * @param allowAnonymous  whether a client without a user name may connect when no authenticator decides
 * @param maxConnections  connections accepted at once on this listener; 0 means unlimited
 */
public record Listener(String name, Kind kind, String host, int port, boolean allowAnonymous, int maxConnections) {

    /** Transports. TLS and WebSocket kinds arrive with their own settings in a later version. */
    public enum Kind { TCP }

    public Listener {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must be >= 0, was " + maxConnections);
        }
    }

    /** A plain TCP listener named "tcp" that refuses anonymous clients. */
    public static Listener tcp(String host, int port) {
        return new Listener("tcp", Kind.TCP, host, port, false, 0);
    }

    public Listener named(String newName) {
        return new Listener(newName, kind, host, port, allowAnonymous, maxConnections);
    }

    public Listener anonymous(boolean allow) {
        return new Listener(name, kind, host, port, allow, maxConnections);
    }

    public Listener maxConnections(int max) {
        return new Listener(name, kind, host, port, allowAnonymous, max);
    }
}
