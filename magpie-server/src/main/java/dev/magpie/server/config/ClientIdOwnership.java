package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.magpie.ClientIdPolicy;

import java.util.Locale;

/** {@code limits.client_id_ownership}: what a CONNECT gets for a client id whose session belongs to another user. */
public enum ClientIdOwnership {
    /** Refused with 0x87 Not authorized (3.1.1: 0x05); the owner's session and connection are untouched. */
    REFUSE(ClientIdPolicy.Ownership.REFUSE),
    /** Admitted under an id the broker assigns, with a session that ends with the connection. */
    ASSIGN_NEW_ID(ClientIdPolicy.Ownership.ASSIGN_NEW_ID);

    private final ClientIdPolicy.Ownership ownership;

    ClientIdOwnership(ClientIdPolicy.Ownership ownership) {
        this.ownership = ownership;
    }

    @JsonCreator
    public static ClientIdOwnership parse(String text) {
        return YamlEnums.parse(ClientIdOwnership.class, "client_id_ownership", text);
    }

    static ClientIdOwnership of(ClientIdPolicy.Ownership ownership) {
        return ownership == ClientIdPolicy.Ownership.REFUSE ? REFUSE : ASSIGN_NEW_ID;
    }

    @JsonValue
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public ClientIdPolicy.Ownership toOwnership() {
        return ownership;
    }
}
