package dev.magpie.server.config;

/**
 * The configuration cannot be used. The message is one line for the user: where the problem is (file, line
 * and column, or the environment variable) and what to write instead. The CLI prints it and exits with 2.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
