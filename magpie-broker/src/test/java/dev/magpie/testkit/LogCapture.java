package dev.magpie.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Collects what one logger writes, so a test can check that an expected failure is one line without a stack trace. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    public static LogCapture of(Class<?> owner) {
        return new LogCapture(owner.getName());
    }

    /** For a logger whose class is not visible to the test (package-private), by its name. */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    public List<ILoggingEvent> events() {
        return List.copyOf(appender.list);
    }

    /** The formatted messages logged so far. */
    public List<String> messages() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Whether any event carried a throwable (a stack trace would be printed). */
    public boolean anyStackTrace() {
        return events().stream().anyMatch(e -> e.getThrowableProxy() != null);
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
