package dev.magpie.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The MQTT 5 properties of one packet, immutable. Single-valued properties are stored in a small array
 * indexed by identifier (there are only 42 ids), so reading one is an array access; the two properties
 * that may repeat (User Property, Subscription Identifier) are kept as ordered lists.
 *
 * <p>Values are {@link Integer} for the integer and byte types, {@link String} for strings and
 * {@code byte[]} for binary data. {@link #EMPTY} is used for every 3.1/3.1.1 packet.
 */
public final class MqttProperties {
    public static final MqttProperties EMPTY = new MqttProperties(new Object[PropertyId.MAX_ID + 1], List.of(), List.of());

    private final Object[] values;
    private final List<UserProperty> userProperties;
    private final List<Integer> subscriptionIdentifiers;

    private MqttProperties(Object[] values, List<UserProperty> userProperties, List<Integer> subscriptionIdentifiers) {
        this.values = values;
        this.userProperties = userProperties;
        this.subscriptionIdentifiers = subscriptionIdentifiers;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding a copy of these properties, to derive a changed set. */
    public Builder toBuilder() {
        Builder b = new Builder();
        System.arraycopy(values, 0, b.values, 0, values.length);
        b.userProperties.addAll(userProperties);
        b.subscriptionIdentifiers.addAll(subscriptionIdentifiers);
        return b;
    }

    public boolean isEmpty() {
        if (!userProperties.isEmpty() || !subscriptionIdentifiers.isEmpty()) {
            return false;
        }
        for (Object v : values) {
            if (v != null) {
                return false;
            }
        }
        return true;
    }

    public boolean has(PropertyId id) {
        if (id == PropertyId.USER_PROPERTY) {
            return !userProperties.isEmpty();
        }
        if (id == PropertyId.SUBSCRIPTION_IDENTIFIER) {
            return !subscriptionIdentifiers.isEmpty();
        }
        return values[id.id()] != null;
    }

    public Optional<Integer> integer(PropertyId id) {
        return Optional.ofNullable((Integer) values[id.id()]);
    }

    /** The integer value or {@code defaultValue} when absent. */
    public int integer(PropertyId id, int defaultValue) {
        Integer v = (Integer) values[id.id()];
        return v == null ? defaultValue : v;
    }

    /** Four-byte integers are unsigned on the wire; this reads one as a long. */
    public long unsignedInt(PropertyId id, long defaultValue) {
        Integer v = (Integer) values[id.id()];
        return v == null ? defaultValue : Integer.toUnsignedLong(v);
    }

    public Optional<String> string(PropertyId id) {
        return Optional.ofNullable((String) values[id.id()]);
    }

    public Optional<byte[]> binary(PropertyId id) {
        byte[] v = (byte[]) values[id.id()];
        return Optional.ofNullable(v == null ? null : v.clone());
    }

    /** Raw access for the encoder; callers must not modify a returned array. */
    Object rawValue(int id) {
        return values[id];
    }

    public List<UserProperty> userProperties() {
        return userProperties;
    }

    public List<Integer> subscriptionIdentifiers() {
        return subscriptionIdentifiers;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MqttProperties other)) {
            return false;
        }
        if (!userProperties.equals(other.userProperties) || !subscriptionIdentifiers.equals(other.subscriptionIdentifiers)) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            Object a = values[i];
            Object b = other.values[i];
            if (a instanceof byte[] ba && b instanceof byte[] bb) {
                if (!Arrays.equals(ba, bb)) {
                    return false;
                }
            } else if (a == null ? b != null : !a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return userProperties.hashCode() * 31 + subscriptionIdentifiers.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (PropertyId id : PropertyId.values()) {
            Object v = values[id.id()];
            if (v != null) {
                sb.append(id).append('=').append(v instanceof byte[] b ? b.length + " bytes" : v).append(", ");
            }
        }
        if (!userProperties.isEmpty()) {
            sb.append("USER_PROPERTY=").append(userProperties).append(", ");
        }
        if (!subscriptionIdentifiers.isEmpty()) {
            sb.append("SUBSCRIPTION_IDENTIFIER=").append(subscriptionIdentifiers);
        }
        return sb.append('}').toString();
    }

    /** Collects properties; the decoder rejects duplicates before calling it (a property other than these two may appear once [MQTT-2.2.2.2]). */
    public static final class Builder {
        private final Object[] values = new Object[PropertyId.MAX_ID + 1];
        private final List<UserProperty> userProperties = new ArrayList<>();
        private final List<Integer> subscriptionIdentifiers = new ArrayList<>();

        private Builder() {
        }

        public Builder integer(PropertyId id, int value) {
            requireType(id, PropertyId.Type.BYTE, PropertyId.Type.TWO_BYTE_INT, PropertyId.Type.FOUR_BYTE_INT,
                    PropertyId.Type.VARIABLE_INT);
            if (id == PropertyId.SUBSCRIPTION_IDENTIFIER) {
                subscriptionIdentifiers.add(value);
            } else {
                values[id.id()] = value;
            }
            return this;
        }

        public Builder string(PropertyId id, String value) {
            requireType(id, PropertyId.Type.UTF8_STRING);
            values[id.id()] = value;
            return this;
        }

        public Builder binary(PropertyId id, byte[] value) {
            requireType(id, PropertyId.Type.BINARY);
            values[id.id()] = value == null ? null : value.clone();
            return this;
        }

        public Builder userProperty(String name, String value) {
            userProperties.add(new UserProperty(name, value));
            return this;
        }

        public Builder userProperties(List<UserProperty> properties) {
            userProperties.addAll(properties);
            return this;
        }

        public Builder remove(PropertyId id) {
            if (id == PropertyId.USER_PROPERTY) {
                userProperties.clear();
            } else if (id == PropertyId.SUBSCRIPTION_IDENTIFIER) {
                subscriptionIdentifiers.clear();
            } else {
                values[id.id()] = null;
            }
            return this;
        }

        /** True if a single-valued property is already set (the decoder's duplicate check). */
        public boolean isSet(PropertyId id) {
            return values[id.id()] != null;
        }

        public MqttProperties build() {
            if (userProperties.isEmpty() && subscriptionIdentifiers.isEmpty()) {
                boolean any = false;
                for (Object v : values) {
                    any |= v != null;
                }
                if (!any) {
                    return EMPTY;
                }
            }
            return new MqttProperties(values.clone(), Collections.unmodifiableList(new ArrayList<>(userProperties)),
                    Collections.unmodifiableList(new ArrayList<>(subscriptionIdentifiers)));
        }

        private static void requireType(PropertyId id, PropertyId.Type... allowed) {
            for (PropertyId.Type t : allowed) {
                if (id.type() == t) {
                    return;
                }
            }
            throw new IllegalArgumentException(id + " is of type " + id.type());
        }
    }
}
