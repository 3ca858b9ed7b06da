package dev.magpie.server.cli;

/** Bad input to a command (exit status 2): the message is the one line printed after the command's name. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
