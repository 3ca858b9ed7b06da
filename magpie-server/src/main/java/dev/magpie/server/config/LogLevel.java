package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How much the {@code dev.magpie} loggers say. Kept as our own enum rather than a Logback type so the config
 * model does not depend on the logging backend; the CLI translates it.
 */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR, OFF;

    /** Accepts the level in any case ({@code info}, {@code INFO}). */
    @JsonCreator
    public static LogLevel parse(String text) {
        for (LogLevel level : values()) {
            if (level.name().equalsIgnoreCase(text.trim())) {
                return level;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a log level: use one of " + choices());
    }

    /** The accepted spellings, for help texts and error messages. */
    public static String choices() {
        return Arrays.stream(values()).map(LogLevel::yamlName).collect(Collectors.joining(", "));
    }

    @JsonValue
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
