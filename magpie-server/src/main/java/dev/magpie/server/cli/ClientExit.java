package dev.magpie.server.cli;

import dev.magpie.server.client.ClientFailure;

import java.io.PrintWriter;

/**
 * The exit statuses of {@code magpie pub} and {@code magpie sub}, in one place so both commands and their help
 * agree. 2 for bad usage, as every other magpie command; the rest tell a script what to look at.
 */
final class ClientExit {
    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int NETWORK = 3;
    static final int TIMEOUT = 4;

    // One line each for picocli's exitCodeList (annotation values must be constants, so not an array).
    static final String HELP_OK = "0:done";
    static final String HELP_REFUSED = "1:refused by the broker: a CONNACK, SUBACK, PUBACK, PUBREC or DISCONNECT failure"
            + " reason code, printed in words on standard error, e.g. 'connection refused: not authorized (0x87)'";
    static final String HELP_USAGE = "2:bad option, or a file that cannot be read";
    static final String HELP_NETWORK = "3:network, TLS or WebSocket error, or the broker broke the protocol";
    static final String HELP_TIMEOUT = "4:timeout: -W elapsed (sub: before -C messages came), or connecting took over 10 s";

    private ClientExit() {
    }

    static int of(ClientFailure failure) {
        return switch (failure.kind()) {
            case REFUSED -> REFUSED;
            case NETWORK -> NETWORK;
            case TIMEOUT -> TIMEOUT;
        };
    }

    /** Prints {@code magpie pub: MESSAGE} on one line and gives the failure's status. */
    static int report(PrintWriter err, String command, ClientFailure failure) {
        err.println("magpie " + command + ": " + failure.getMessage());
        err.flush();
        return of(failure);
    }

    static int usage(PrintWriter err, String command, String message) {
        err.println("magpie " + command + ": " + message + " (see bin/magpie " + command + " --help)");
        err.flush();
        return USAGE;
    }
}
