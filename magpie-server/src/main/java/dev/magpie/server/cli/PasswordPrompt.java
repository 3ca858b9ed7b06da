package dev.magpie.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Gets a new password for {@code magpie user add|passwd} when {@code --password} is not given: at a console it
 * asks twice without echo and insists the two agree; otherwise it reads one line from standard input (so
 * {@code echo "$PW" | magpie user add NAME} works in scripts). The password is never echoed or printed, and
 * every intermediate buffer is zeroed; the caller zeroes the array it receives.
 */
final class PasswordPrompt {

    /** Longest password line read from standard input; more is refused rather than read without end. */
    static final int MAX_LINE_BYTES = 4096;

    private PasswordPrompt() {
    }

    /**
     * The new password for {@code user}.
     *
     * @throws UsageException if the input ends first, the two entries differ, or the line is not UTF-8
     */
    static char[] newPassword(Terminal terminal, String user) throws IOException {
        if (terminal.hasConsole()) {
            char[] first = terminal.readHidden("Password for " + user + ": ");
            if (first == null) {
                throw new UsageException("no password entered");
            }
            char[] second = terminal.readHidden("Repeat the password: ");
            try {
                if (second == null || !Arrays.equals(first, second)) {
                    Arrays.fill(first, '\0');
                    throw new UsageException("the two passwords do not match; nothing was changed");
                }
                return first;
            } finally {
                if (second != null) {
                    Arrays.fill(second, '\0');
                }
            }
        }
        return readLine(terminal.stdin());
    }

    /** One line (without its {@code \n} or {@code \r\n}) from {@code in}, decoded as UTF-8. */
    static char[] readLine(InputStream in) throws IOException {
        byte[] buffer = new byte[MAX_LINE_BYTES]; // ours, so it can be zeroed (a ByteArrayOutputStream cannot)
        int length = 0;
        try {
            int b = in.read();
            if (b == -1) {
                throw new UsageException("no password: give --password PW, type it at a terminal, or pipe one line to"
                        + " standard input");
            }
            while (b != -1 && b != '\n') {
                if (length == buffer.length) {
                    throw new UsageException("the password line on standard input is longer than " + MAX_LINE_BYTES + " bytes");
                }
                buffer[length++] = (byte) b;
                b = in.read();
            }
            if (length > 0 && buffer[length - 1] == '\r') {
                length--;
            }
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buffer, 0, length));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
            return password;
        } catch (CharacterCodingException e) {
            throw new UsageException("the password on standard input is not UTF-8 text");
        } finally {
            Arrays.fill(buffer, (byte) 0);
        }
    }

    /** The password's UTF-8 bytes; the characters and the encoder's buffer are zeroed. */
    static byte[] utf8(char[] chars) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        Arrays.fill(chars, '\0');
        return bytes;
    }
}
