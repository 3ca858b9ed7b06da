package dev.magpie.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.magpie.server.config.LogLevel;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Sets the level of the {@code dev.magpie} loggers at run time from {@code --log-level} / {@code log_level}, and
 * drains the asynchronous appender at the end.
 * Only the server knows the backend is Logback; the config model speaks {@link LogLevel}. Other libraries
 * (Netty) stay at the level {@code logback.xml} gives them so debugging Magpie does not drown in their output.
 */
final class LogLevels {

    static final String MAGPIE_LOGGER = "dev.magpie";

    private LogLevels() {
    }

    /**
     * Writes out what the asynchronous appender still holds and stops logging: called last, before the process ends
     * (its queue lives in a daemon thread, which the JVM does not wait for).
     */
    static void drain() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.stop();
        }
    }

    static void apply(LogLevel level) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext logback) {
            logback.getLogger(MAGPIE_LOGGER).setLevel(Level.toLevel(level.name(), Level.INFO));
        }
    }
}
