package dev.magpie.security.scram;

import java.nio.CharBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server stores to check a SCRAM-SHA-256 login without knowing the password (RFC 5802 section 3):
 * the salt and iteration count sent to the client, {@code StoredKey = H(HMAC(SaltedPassword, "Client Key"))}
 * and {@code ServerKey = HMAC(SaltedPassword, "Server Key")}, with {@code SaltedPassword = Hi(SASLprep(password),
 * salt, i)}. It cannot be derived from a PBKDF2-SHA-512 password hash, so it is made when a password is set.
 *
 * <p><b>Iterations:</b> {@value #DEFAULT_ITERATIONS}, the minimum RFC 7677 allows and the count most SCRAM
 * clients and servers (PostgreSQL, Kafka) expect. The server never computes {@code Hi} at login; the
 * <em>client</em> does, at every connect, and MQTT clients are often microcontrollers for which each doubling
 * costs a second of CPU and battery. The price: a stolen database lets an attacker test password guesses
 * against {@code StoredKey} faster than against the PBKDF2-SHA-512 hash, so the database file stays readable
 * by its owner only.
 *
 * <p>Text form (RFC 5803): {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, Base64.
 */
public record ScramCredential(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

    /** RFC 7677 section 4: at least 4096 iterations. */
    public static final int DEFAULT_ITERATIONS = 4096;
    /** Credentials asking for more are not believed (as {@code PasswordHasher} does for its hashes). */
    public static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final String PREFIX = "SCRAM-SHA-256$";
    private static final Pattern TEXT = Pattern.compile("SCRAM-SHA-256\\$(\\d{1,8}):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");

    public ScramCredential {
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be 1.." + MAX_ITERATIONS + ", was " + iterations);
        }
        if (salt.length == 0 || storedKey.length != ScramSha256.KEY_BYTES || serverKey.length != ScramSha256.KEY_BYTES) {
            throw new IllegalArgumentException("a SCRAM-SHA-256 credential needs a salt and two 32-byte keys");
        }
    }

    /**
     * Derives the credential of {@code password} with a random salt and {@value #DEFAULT_ITERATIONS} iterations.
     *
     * @return empty if SASLprep prohibits a character of the password (a control character, say): such a
     *         password can still be used with a user name and password in CONNECT, not with SCRAM
     */
    public static Optional<ScramCredential> derive(char[] password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return derive(password, salt, DEFAULT_ITERATIONS);
    }

    /** Derives the credential of {@code password} with the given salt and iteration count. */
    public static Optional<ScramCredential> derive(char[] password, byte[] salt, int iterations) {
        Optional<String> prepared = SaslPrep.prepare(CharBuffer.wrap(password).toString());
        if (prepared.isEmpty()) {
            return Optional.empty();
        }
        char[] normalized = prepared.get().toCharArray();
        byte[] salted = ScramSha256.hi(normalized, salt, iterations);
        Arrays.fill(normalized, '\0');
        byte[] clientKey = ScramSha256.hmac(salted, "Client Key");
        ScramCredential credential = new ScramCredential(salt, iterations, ScramSha256.h(clientKey), ScramSha256.hmac(salted, "Server Key"));
        Arrays.fill(salted, (byte) 0);
        Arrays.fill(clientKey, (byte) 0);
        return Optional.of(credential);
    }

    /** The RFC 5803 text form. */
    public String encode() {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
    }

    /** Reads the RFC 5803 text form; empty if it is malformed (never throws). */
    public static Optional<ScramCredential> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            return Optional.of(new ScramCredential(b64.decode(m.group(2)), Integer.parseInt(m.group(1)), b64.decode(m.group(3)), b64.decode(m.group(4))));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredential c && iterations == c.iterations && Arrays.equals(salt, c.salt)
                && Arrays.equals(storedKey, c.storedKey) && Arrays.equals(serverKey, c.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey));
    }

    @Override
    public String toString() {
        return "ScramCredential[iterations=" + iterations + ", keys hidden]";
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }
}
