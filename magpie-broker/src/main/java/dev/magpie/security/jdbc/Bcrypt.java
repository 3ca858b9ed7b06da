package dev.magpie.security.jdbc;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * bcrypt verification through BouncyCastle's {@code OpenBSDBCrypt}. Kept in its own class so that the
 * BouncyCastle jar is only needed by users whose table holds bcrypt hashes ({@link #available()} says whether
 * it is there).
 */
final class Bcrypt {
    // $2a$/$2b$/$2y$, two-digit cost, 22 characters of salt and 31 of hash in bcrypt's base64 alphabet
    private static final Pattern FORMAT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    private Bcrypt() {
    }

    static boolean isBcrypt(String stored) {
        return FORMAT.matcher(stored).matches();
    }

    /** Whether BouncyCastle is on the class path. */
    static boolean available() {
        try {
            Class.forName("org.bouncycastle.crypto.generators.OpenBSDBCrypt", false, Bcrypt.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static boolean matches(byte[] password, String stored) {
        if (!available()) {
            throw new IllegalStateException("a bcrypt hash needs BouncyCastle (org.bouncycastle:bcprov-jdk18on) on the class path");
        }
        // bcrypt hashes the UTF-8 bytes; BouncyCastle takes chars and encodes them as UTF-8 itself
        char[] chars = new String(password, StandardCharsets.UTF_8).toCharArray();
        try {
            return OpenBSDBCrypt.checkPassword(stored, chars);
        } catch (org.bouncycastle.crypto.DataLengthException | IllegalArgumentException e) {
            return false; // a password longer than bcrypt's 72 bytes, or a malformed stored value
        }
    }
}
