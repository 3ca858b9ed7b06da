package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.magpie.Listener;

/**
 * The transport of a configured listener. Only {@code tcp} exists today; {@code tls}, {@code ws} and {@code wss}
 * arrive with the transports work, and naming them here early would accept configs the broker cannot run.
 */
public enum ListenerType {
    TCP("tcp", Listener.Kind.TCP);

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
        throw new IllegalArgumentException("listener type '" + text + "' is not supported: only tcp is available"
                + " in this version (tls, ws and wss come later)");
    }

    @JsonValue
    public String yamlName() {
        return yamlName;
    }

    Listener.Kind kind() {
        return kind;
    }
}
