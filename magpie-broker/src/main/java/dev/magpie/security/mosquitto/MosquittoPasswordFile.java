package dev.magpie.security.mosquitto;

import dev.magpie.security.password.PasswordHasher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a mosquitto password file: one {@code username:hash} per line, the hash as written by
 * {@code mosquitto_passwd} ({@code $6$...} or {@code $7$...}) or by Magpie ({@code $pbkdf2-sha512$...}).
 * Blank lines and lines starting with {@code #} are skipped; blanks around the user name and the hash are
 * trimmed, as mosquitto does.
 *
 * <p>Stricter than mosquitto where mosquitto would quietly lose a user: a line without {@code :} (which
 * mosquitto skips), an empty user name, a duplicate user, a second {@code :} (which mosquitto cuts off), and
 * a hash in no supported format (a plain-text password, say) each stop loading with the line number.
 */
public final class MosquittoPasswordFile {
    private MosquittoPasswordFile() {
    }

    /** The users and their encoded hashes in file order. */
    public static Map<String, String> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** As {@link #read}, from text; {@code sourceName} names it in errors. */
    public static Map<String, String> parse(String content, String sourceName) throws MosquittoFileException {
        Map<String, String> users = new LinkedHashMap<>();
        int number = 0;
        for (String line : Lines.of(content)) {
            number++;
            if (Lines.ignorable(line)) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new MosquittoFileException(sourceName, number, "expected 'username:hash' but found no ':'");
            }
            String username = line.substring(0, colon).strip();
            String hash = line.substring(colon + 1).strip();
            if (username.isEmpty()) {
                throw new MosquittoFileException(sourceName, number, "the user name before ':' is empty");
            }
            if (hash.indexOf(':') >= 0) {
                throw new MosquittoFileException(sourceName, number, "more than one ':' (user names may not contain ':')");
            }
            if (hash.isEmpty()) {
                throw new MosquittoFileException(sourceName, number, "user '" + username + "' has no password hash after ':'");
            }
            if (PasswordHasher.schemeOf(hash).isEmpty()) {
                throw new MosquittoFileException(sourceName, number, "the password hash of user '" + username
                        + "' is not a well-formed $6$, $7$ or $pbkdf2-sha512$ hash; a plain-text password must be hashed"
                        + " first (mosquitto_passwd -U, or set the password again)");
            }
            if (users.putIfAbsent(username, hash) != null) {
                throw new MosquittoFileException(sourceName, number, "user '" + username + "' is listed twice");
            }
        }
        return Collections.unmodifiableMap(users);
    }
}
