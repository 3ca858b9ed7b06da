package dev.magpie.security.scram;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The functions RFC 5802 section 2.2 defines, instantiated with SHA-256 as RFC 7677 does: {@code H},
 * {@code HMAC} and {@code Hi} (PBKDF2-HMAC-SHA-256 with a 32-byte output).
 */
final class ScramSha256 {
    static final int KEY_BYTES = 32;

    private ScramSha256() {
    }

    static byte[] h(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    static byte[] hmac(byte[] key, String text) {
        return hmac(key, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Hi(str, salt, i): the JDK's PBKDF2WithHmacSHA256, which encodes the characters as UTF-8 as SCRAM requires. */
    static byte[] hi(char[] normalizedPassword, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(normalizedPassword, salt, iterations, KEY_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
