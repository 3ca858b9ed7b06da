package dev.magpie.security.password;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Makes and checks password hashes stored as self-describing strings, so a stored hash carries its own
 * algorithm, cost and salt and old hashes keep working when the cost is raised.
 *
 * <p>New hashes are PBKDF2-HMAC-SHA512 with a random 16-byte salt and a 64-byte derived key, written as
 * {@code $pbkdf2-sha512$i=<iterations>$<salt>$<key>} (standard Base64 without padding). The default cost is
 * {@value #DEFAULT_ITERATIONS} iterations (see {@link #DEFAULT_ITERATIONS} for why): about 50 ms of one core per
 * check, paid once per CONNECT on the password-check executor, never on an event loop, and behind the login
 * throttle. It is configurable; hashes made with other counts keep verifying, since each carries its own.
 *
 * <p>{@link #verify} also accepts the two formats {@code mosquitto_passwd} writes, so existing password
 * files work unchanged: {@code $6$<salt>$<sha512(password || salt)>} (mosquitto 1.x) and
 * {@code $7$<iterations>$<salt>$<pbkdf2-hmac-sha512(password, salt)>} (mosquitto 2.x), both with padded
 * Base64 and a 64-byte hash. The key is compared in constant time ({@link MessageDigest#isEqual}). A
 * hash in an unknown or malformed format never verifies, and verification never throws.
 *
 * <p>PBKDF2 is computed here over the password's raw bytes (an MQTT password is binary data, and the JDK's
 * {@code PBKDF2WithHmacSHA512} only accepts characters). {@code char[]} passwords are encoded as UTF-8.
 * Arrays this class creates to hold a password are zeroed before returning; the caller's arrays are left
 * alone. Nothing here logs.
 */
public final class PasswordHasher {
    /**
     * 50,000 iterations: about 50 ms of one core per check (measured, see {@code docs/security.md}), a quarter of
     * OWASP's 210,000 for PBKDF2-HMAC-SHA512. Online guessing is now bounded by the login throttle, not by the
     * hash cost, and every check a flood forces costs this much CPU, so the cost is set for offline guessing
     * only: still about 500 times mosquitto's 101 iterations, 12 times EMQX's 4,096, and well above the 4,096
     * HMAC-SHA-256 rounds of the SCRAM credential the user database keeps beside it.
     */
    public static final int DEFAULT_ITERATIONS = 50_000;

    /**
     * Hashes asking for more iterations than this are refused (never verify): a tampered or mistyped hash
     * must not let one CONNECT burn minutes of CPU.
     */
    public static final int MAX_ITERATIONS = 10_000_000;

    /** The prefix of Magpie's own format. */
    public static final String PBKDF2_PREFIX = "$pbkdf2-sha512$";

    /** The formats {@link #verify} understands. */
    public enum Scheme {
        /** {@code $pbkdf2-sha512$i=N$salt$key}: what {@link #hash} writes. */
        PBKDF2_SHA512,
        /** mosquitto's {@code $6$salt$hash}: one round of SHA-512 over password then salt. Weak; rehash. */
        MOSQUITTO_SHA512,
        /** mosquitto's {@code $7$N$salt$hash}: PBKDF2-HMAC-SHA512 (mosquitto 2.0 defaults to 101 iterations). */
        MOSQUITTO_PBKDF2_SHA512
    }

    private static final int SALT_BYTES = 16;
    private static final int KEY_BYTES = 64;
    private static final int MIN_SALT_BYTES = 8;
    private static final int MAX_SALT_BYTES = 64;
    private static final Base64.Encoder B64_NO_PAD = Base64.getEncoder().withoutPadding();

    private final int iterations;
    private final SecureRandom random;
    /** PBKDF2 iterations (and SHA-512 rounds) computed by {@link #verify}: the hashing work done, for tests and metrics. */
    private final java.util.concurrent.atomic.LongAdder work = new java.util.concurrent.atomic.LongAdder();

    /** A hasher that writes new hashes with {@value #DEFAULT_ITERATIONS} iterations. */
    public PasswordHasher() {
        this(DEFAULT_ITERATIONS);
    }

    /** A hasher that writes new hashes with {@code iterations} iterations (1 to {@value #MAX_ITERATIONS}). */
    public PasswordHasher(int iterations) {
        this(iterations, new SecureRandom());
    }

    /** As {@link #PasswordHasher(int)}, drawing salts from {@code random}. */
    public PasswordHasher(int iterations, SecureRandom random) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between 1 and " + MAX_ITERATIONS + ", was " + iterations);
        }
        this.iterations = iterations;
        this.random = java.util.Objects.requireNonNull(random, "random");
    }

    /** The iteration count new hashes get. */
    public int iterations() {
        return iterations;
    }

    /** Hashes {@code password} (encoded as UTF-8) with a fresh salt. */
    public String hash(char[] password) {
        byte[] bytes = utf8(password);
        try {
            return hash(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Hashes the raw bytes of {@code password} with a fresh salt. */
    public String hash(byte[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] key = pbkdf2(password, salt, iterations, KEY_BYTES);
        try {
            return PBKDF2_PREFIX + "i=" + iterations + "$" + B64_NO_PAD.encodeToString(salt) + "$" + B64_NO_PAD.encodeToString(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** True if {@code password} (encoded as UTF-8) matches {@code encoded}; false for any unusable hash. */
    public boolean verify(char[] password, String encoded) {
        if (password == null) {
            return false;
        }
        byte[] bytes = utf8(password);
        try {
            return verify(bytes, encoded);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** True if the raw bytes of {@code password} match {@code encoded}; false for any unusable hash. */
    public boolean verify(byte[] password, String encoded) {
        if (password == null) {
            return false;
        }
        Parsed parsed = parse(encoded);
        if (parsed == null) {
            return false;
        }
        byte[] actual = null;
        try {
            actual = switch (parsed.scheme) {
                case MOSQUITTO_SHA512 -> sha512(password, parsed.salt);
                case PBKDF2_SHA512, MOSQUITTO_PBKDF2_SHA512 -> pbkdf2(password, parsed.salt, parsed.iterations, parsed.key.length);
            };
            work.add(parsed.iterations);
            return MessageDigest.isEqual(actual, parsed.key);
        } catch (RuntimeException e) {
            return false;
        } finally {
            if (actual != null) {
                Arrays.fill(actual, (byte) 0);
            }
        }
    }

    /**
     * True if {@code encoded} should be replaced by a fresh {@link #hash} at the next successful login: it is
     * not in Magpie's format, uses fewer iterations than this hasher, or cannot be read at all.
     */
    public boolean needsRehash(String encoded) {
        Parsed parsed = parse(encoded);
        return parsed == null || parsed.scheme != Scheme.PBKDF2_SHA512 || parsed.iterations < iterations;
    }

    /**
     * A hash no password matches that costs exactly as much to check as {@code model} (same scheme, iteration
     * count and salt length), or one like {@link #hash} makes if {@code model} is unusable. Checking an unknown
     * user's password against it does the same work as a known user's, so the response time does not tell
     * which user names exist.
     */
    public String dummyLike(String model) {
        Parsed parsed = parse(model);
        byte[] salt = new byte[parsed == null ? SALT_BYTES : parsed.salt.length];
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(salt);
        random.nextBytes(key); // a random key: no password derives it
        Base64.Encoder padded = Base64.getEncoder();
        if (parsed == null || parsed.scheme == Scheme.PBKDF2_SHA512) {
            int n = parsed == null ? iterations : parsed.iterations;
            return PBKDF2_PREFIX + "i=" + n + "$" + B64_NO_PAD.encodeToString(salt) + "$" + B64_NO_PAD.encodeToString(key);
        }
        if (parsed.scheme == Scheme.MOSQUITTO_PBKDF2_SHA512) {
            return "$7$" + parsed.iterations + "$" + padded.encodeToString(salt) + "$" + padded.encodeToString(key);
        }
        return "$6$" + padded.encodeToString(salt) + "$" + padded.encodeToString(key);
    }

    /** A hash no password matches that costs as much to check as one {@link #hash} makes now. */
    public String dummy() {
        return dummyLike(null);
    }

    /**
     * The hashing work {@link #verify} has done so far, in PBKDF2 iterations (one per SHA-512 for {@code $6$}):
     * lets a test prove that two refusals cost the same without timing them.
     */
    public long work() {
        return work.sum();
    }

    /** The iteration count of {@code encoded}, or empty if it is not a usable hash. */
    public static java.util.OptionalInt iterationsOf(String encoded) {
        Parsed parsed = parse(encoded);
        return parsed == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(parsed.iterations);
    }

    /** The scheme of {@code encoded}, or empty if it is not a well-formed hash in a supported format. */
    public static Optional<Scheme> schemeOf(String encoded) {
        Parsed parsed = parse(encoded);
        return parsed == null ? Optional.empty() : Optional.of(parsed.scheme);
    }

    // ---------------------------------------------------------------------------------------------------

    private record Parsed(Scheme scheme, int iterations, byte[] salt, byte[] key) {
    }

    /** Splits and decodes a stored hash; null for anything not exactly one of the supported shapes. */
    private static Parsed parse(String encoded) {
        if (encoded == null || encoded.isEmpty() || encoded.charAt(0) != '$') {
            return null;
        }
        // "$a$b$c" splits to ["", "a", "b", "c"]; -1 keeps empty trailing parts so "…$" is rejected
        String[] parts = encoded.split("\\$", -1);
        try {
            if (parts.length == 5 && parts[1].equals("pbkdf2-sha512") && parts[2].startsWith("i=")) {
                return make(Scheme.PBKDF2_SHA512, iterations(parts[2].substring(2)), parts[3], parts[4]);
            }
            if (parts.length == 5 && parts[1].equals("7")) {
                return make(Scheme.MOSQUITTO_PBKDF2_SHA512, iterations(parts[2]), parts[3], parts[4]);
            }
            if (parts.length == 4 && parts[1].equals("6")) {
                return make(Scheme.MOSQUITTO_SHA512, 1, parts[2], parts[3]);
            }
        } catch (IllegalArgumentException e) {
            return null; // bad Base64 or a bad number
        }
        return null;
    }

    private static Parsed make(Scheme scheme, int iterations, String salt64, String key64) {
        if (iterations < 1) {
            return null;
        }
        Base64.Decoder decoder = Base64.getDecoder();
        byte[] salt = decoder.decode(salt64);
        byte[] key = decoder.decode(key64);
        if (salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES || key.length != KEY_BYTES) {
            return null;
        }
        return new Parsed(scheme, iterations, salt, key);
    }

    /** Digits only (no sign, no spaces), at most {@link #MAX_ITERATIONS}; 0 means unusable. */
    private static int iterations(String digits) {
        if (digits.isEmpty() || digits.length() > 9) {
            return 0;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
        }
        int n = Integer.parseInt(digits);
        return n > MAX_ITERATIONS ? 0 : n;
    }

    private static byte[] sha512(byte[] password, byte[] salt) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-512");
            digest.update(password);
            digest.update(salt);
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-512 is not available in this JDK", e);
        }
    }

    /**
     * PBKDF2 (RFC 8018 section 5.2) with HMAC-SHA512 over raw password bytes. Each block is
     * T_i = U_1 xor ... xor U_c with U_1 = HMAC(P, S || INT(i)) and U_j = HMAC(P, U_{j-1}).
     */
    static byte[] pbkdf2(byte[] password, byte[] salt, int iterations, int length) {
        PasswordKey key = new PasswordKey(password);
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(key);
            int hLen = mac.getMacLength();
            byte[] out = new byte[length];
            byte[] u = new byte[hLen];
            byte[] t = new byte[hLen];
            int blocks = (length + hLen - 1) / hLen;
            for (int block = 1; block <= blocks; block++) {
                mac.update(salt);
                mac.update(ByteBuffer.allocate(4).putInt(block).array());
                mac.doFinal(u, 0);
                System.arraycopy(u, 0, t, 0, hLen);
                for (int i = 1; i < iterations; i++) {
                    mac.update(u);
                    mac.doFinal(u, 0);
                    for (int k = 0; k < hLen; k++) {
                        t[k] ^= u[k];
                    }
                }
                int offset = (block - 1) * hLen;
                System.arraycopy(t, 0, out, offset, Math.min(hLen, length - offset));
            }
            Arrays.fill(u, (byte) 0);
            Arrays.fill(t, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 is not available in this JDK", e);
        } finally {
            key.destroy();
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        if (buffer.hasArray()) {
            Arrays.fill(buffer.array(), (byte) 0);
        }
        return bytes;
    }

    /**
     * The password as an HMAC key that can be wiped: {@code SecretKeySpec} keeps a copy we could not clear,
     * and refuses an empty key, which HMAC (and mosquitto) accept. The HMAC provider takes its own copy via
     * {@link #getEncoded()} and clears it after computing its pads.
     */
    private static final class PasswordKey implements SecretKey {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;
        private boolean destroyed;

        PasswordKey(byte[] password) {
            this.bytes = password.clone();
        }

        @Override
        public String getAlgorithm() {
            return "HmacSHA512";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return bytes.clone();
        }

        @Override
        public void destroy() {
            Arrays.fill(bytes, (byte) 0);
            destroyed = true;
        }

        @Override
        public boolean isDestroyed() {
            return destroyed;
        }
    }
}
