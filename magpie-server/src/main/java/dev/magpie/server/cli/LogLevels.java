package dev.magpie.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.magpie.server.config.LogLevel;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Sets the level of the {@code dev.magpie} loggers at run time from {@code --log-level} / {@code log_level}.
 * Only the server knows the backend is Logback; the config model speaks {@link LogLevel}. Other libraries
 * (Netty) stay at the level {@code logback.xml} gives them so debugging Magpie does not drown in their output.
 */
final class LogLevels {

    static final String MAGPIE_LOGGER = "dev.magpie";

    private LogLevels() {
    }

    static void apply(LogLevel level) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext logback) {
            logback.getLogger(MAGPIE_LOGGER).setLevel(Level.toLevel(level.name(), Level.INFO));
        }
    }
}
