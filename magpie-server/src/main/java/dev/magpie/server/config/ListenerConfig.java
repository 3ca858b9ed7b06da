package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.magpie.Listener;

import java.util.Objects;

/**
 * One entry of {@code listeners:} in the YAML file. Every key has a default, applied in {@link #fromYaml} so a
 * file only needs the keys it changes. Construction validates through {@link Listener} itself, so the config
 * can never accept a value the broker would refuse at start-up.
 *
 * @param name            unique name, used in logs and by {@code Broker.port(name)}
 * @param type            the transport; only {@code tcp} for now
 * @param bind            the address to listen on ({@code 0.0.0.0} for all IPv4 interfaces)
 * @param port            the port; 0 picks a free one
 * @param allowAnonymous  whether clients without a user name may connect
 * @param maxConnections  simultaneous connections on this listener, 0 for unlimited
 */
public record ListenerConfig(String name, ListenerType type, String bind, int port, boolean allowAnonymous,
                             int maxConnections) {

    /** What a listener entry means when it gives no keys: TCP on every interface, port 1883, users only. */
    public static final ListenerConfig DEFAULT = new ListenerConfig("tcp", ListenerType.TCP, "0.0.0.0", 1883, false, 0);

    public ListenerConfig {
        Objects.requireNonNull(type, "type");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (bind == null || bind.isBlank()) {
            throw new IllegalArgumentException("bind must not be empty (use 0.0.0.0 for all interfaces)");
        }
        try {
            new Listener(name, type.kind(), bind, port, allowAnonymous, maxConnections);
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
                                   @JsonProperty("max_connections") Integer maxConnections) {
        return new ListenerConfig(
                name != null ? name : DEFAULT.name,
                type != null ? type : DEFAULT.type,
                bind != null ? bind : DEFAULT.bind,
                port != null ? port : DEFAULT.port,
                allowAnonymous != null ? allowAnonymous : DEFAULT.allowAnonymous,
                maxConnections != null ? maxConnections : DEFAULT.maxConnections);
    }

    /** The broker API's view of this listener. */
    public Listener toListener() {
        return new Listener(name, type.kind(), bind, port, allowAnonymous, maxConnections);
    }

    public ListenerConfig withBind(String newBind) {
        return new ListenerConfig(name, type, newBind, port, allowAnonymous, maxConnections);
    }

    public ListenerConfig withPort(int newPort) {
        return new ListenerConfig(name, type, bind, newPort, allowAnonymous, maxConnections);
    }

    public ListenerConfig withAllowAnonymous(boolean allow) {
        return new ListenerConfig(name, type, bind, port, allow, maxConnections);
    }
}
