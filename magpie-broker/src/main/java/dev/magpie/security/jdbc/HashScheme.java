package dev.magpie.security.jdbc;

import dev.magpie.security.password.PasswordHasher;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How the password column of a user table is encoded. Existing databases come with their own choice, so
 * the common ones are all understood; new tables should use {@link #PBKDF2} (what {@code magpie user} writes).
 */
public enum HashScheme {
    /** Recognised by prefix: {@code $pbkdf2-sha512$}, mosquitto's {@code $6$}/{@code $7$}, or bcrypt {@code $2a$/$2b$/$2y$}. */
    AUTO("auto"),
    /** Magpie's {@code $pbkdf2-sha512$…} and mosquitto's {@code $6$}/{@code $7$} (see {@link PasswordHasher}). */
    PBKDF2("pbkdf2"),
    /** bcrypt, {@code $2a$}, {@code $2b$} or {@code $2y$} (PHP, Django, Spring Security and many web apps). */
    BCRYPT("bcrypt"),
    /**
     * Lower-case or upper-case hex of SHA-256(salt + password), the salt being the query's second column (as
     * EMQX's {@code sha256} with a prefix salt). Fast hashes are weak against offline guessing: migrate away.
     */
    SHA256_SALTED("sha256-salted"),
    /** The password itself, compared in constant time. Only for tables you cannot change; never for new ones. */
    PLAIN("plain");

    private final String configName;

    HashScheme(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration: {@code auto}, {@code pbkdf2}, {@code bcrypt}, {@code sha256-salted}, {@code plain}. */
    public String configName() {
        return configName;
    }

    /** The scheme called {@code name} in configuration. */
    public static HashScheme parse(String name) {
        for (HashScheme scheme : values()) {
            if (scheme.configName.equals(name.strip().toLowerCase(Locale.ROOT))) {
                return scheme;
            }
        }
        throw new IllegalArgumentException("hash '" + name + "' is not a known scheme: use auto, pbkdf2, bcrypt, sha256-salted or plain");
    }

    /** Whether this scheme reads a salt from the query's second column. */
    public boolean needsSalt() {
        return this == SHA256_SALTED;
    }

    /**
     * Whether {@code password} matches {@code stored} (and {@code salt} for {@link #SHA256_SALTED}). A stored
     * value in another format than this scheme's never matches.
     */
    boolean matches(byte[] password, String stored, String salt, PasswordHasher hasher) {
        return switch (this) {
            case AUTO -> Bcrypt.isBcrypt(stored) ? Bcrypt.matches(password, stored) : hasher.verify(password, stored);
            case PBKDF2 -> hasher.verify(password, stored);
            case BCRYPT -> Bcrypt.isBcrypt(stored) && Bcrypt.matches(password, stored);
            case SHA256_SALTED -> salt != null && MessageDigest.isEqual(
                    sha256Hex(salt, password).getBytes(StandardCharsets.US_ASCII),
                    stored.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
            case PLAIN -> MessageDigest.isEqual(password, stored.getBytes(StandardCharsets.UTF_8));
        };
    }

    private static String sha256Hex(String salt, byte[] password) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(salt.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(password));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
