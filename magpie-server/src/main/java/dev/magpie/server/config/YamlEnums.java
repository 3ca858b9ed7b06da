package dev.magpie.server.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses lower-case YAML spellings of enum constants with an error that lists the accepted ones. */
final class YamlEnums {

    private YamlEnums() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String key, String text) {
        for (E value : type.getEnumConstants()) {
            if (value.name().toLowerCase(Locale.ROOT).equals(text)) {
                return value;
            }
        }
        throw new IllegalArgumentException(key + " '" + text + "' is not one of "
                + Arrays.stream(type.getEnumConstants()).map(v -> v.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
    }
}
