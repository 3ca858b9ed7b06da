package dev.magpie;

/** The broker could not start or do what was asked; the message says what and how to fix it. */
public final class BrokerException extends RuntimeException {
    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }

    public BrokerException(String message) {
        super(message);
    }
}
