package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** {@code security.users}: where user accounts come from besides a password file. */
public enum UserSource {
    /** The built-in user database, {@code <data_dir>/magpie.db}, managed with {@code magpie user}. */
    BUILTIN("builtin"),
    /** No built-in users: only the password file (if any) and the listeners' anonymous setting decide. */
    NONE("none");

    private final String yamlName;

    UserSource(String yamlName) {
        this.yamlName = yamlName;
    }

    @JsonCreator
    public static UserSource parse(String text) {
        for (UserSource source : values()) {
            if (source.yamlName.equals(text)) {
                return source;
            }
        }
        throw new IllegalArgumentException("users '" + text + "' is not a user source: use builtin (the data_dir"
                + " user database) or none");
    }

    @JsonValue
    public String yamlName() {
        return yamlName;
    }
}
