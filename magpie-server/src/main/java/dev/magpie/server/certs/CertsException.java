package dev.magpie.server.certs;

/**
 * Something about the request or the files it names is wrong: an invalid name or key size, a CA that is
 * missing, unreadable as PEM or not a CA, a file that exists and would be overwritten. The message is one
 * sentence for the user that says what to do; the command line reports it as a usage error (exit status 2).
 * Failures to read or write a file that is otherwise fine are {@link java.io.IOException}s instead.
 */
public final class CertsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CertsException(String message) {
        super(message);
    }

    public CertsException(String message, Throwable cause) {
        super(message, cause);
    }
}
