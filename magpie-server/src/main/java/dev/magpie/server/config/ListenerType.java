package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.magpie.Listener;

/** The transport of a configured listener: {@code tcp}, {@code tls}, {@code ws} or {@code wss}. */
public enum ListenerType {
    TCP("tcp", Listener.Kind.TCP),
    TLS("tls", Listener.Kind.TLS),
    WS("ws", Listener.Kind.WS),
    WSS("wss", Listener.Kind.WSS);

    private final String yamlName;
    private final Listener.Kind kind;

    ListenerType(String yamlName, Listener.Kind kind) {
        this.yamlName = yamlName;
        this.kind = kind;
    }

    @JsonCreator
    public static ListenerType parse(String text) {
        for (ListenerType type : values()) {
            if (type.yamlName.equals(text)) {
                return type;
            }
        }
        throw new IllegalArgumentException("listener type '" + text + "' is not supported: use tcp, tls, ws or wss");
    }

    @JsonValue
    public String yamlName() {
        return yamlName;
    }

    public boolean isSecure() {
        return kind.isSecure();
    }

    public boolean isWebSocket() {
        return kind.isWebSocket();
    }

    Listener.Kind kind() {
        return kind;
    }
}
