package dev.magpie.codec;

import java.util.Objects;

/** One MQTT 5 User Property; the order of several is significant and kept [MQTT-3.3.2-18]. */
public record UserProperty(String name, String value) {
    public UserProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
