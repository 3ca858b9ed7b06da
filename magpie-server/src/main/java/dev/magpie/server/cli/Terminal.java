package dev.magpie.server.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where a command reads a password from: a console that can read without echo, or plain standard input
 * (a pipe or a file); and where {@code magpie sub} writes message payloads (standard output as bytes, since a
 * payload need not be text). An interface so tests can stand in for a person at a keyboard.
 */
interface Terminal {

    /** True when a person is at a console that can read without echo. */
    boolean hasConsole();

    /** Reads one line without echo after showing {@code prompt}; null at the end of input. Console only. */
    char[] readHidden(String prompt);

    /** Standard input, for when there is no console. */
    InputStream stdin();

    /** Standard output as bytes, for payloads that are not text. */
    default OutputStream stdout() {
        return System.out;
    }

    /** The process' own console and standard input. */
    static Terminal system() {
        return new Terminal() {
            @Override
            public boolean hasConsole() {
                return System.console() != null;
            }

            @Override
            public char[] readHidden(String prompt) {
                Console console = System.console();
                return console == null ? null : console.readPassword("%s", prompt);
            }

            @Override
            public InputStream stdin() {
                return System.in;
            }
        };
    }
}
