package dev.magpie.testkit;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802 / 7677), written from the RFC independently of the
 * broker's code so that tests check one implementation against another: {@link #clientFirst()}, then
 * {@link #clientFinal} with the server's first message, then {@link #verifyServerFinal}. ASCII passwords only
 * (SASLprep leaves them unchanged).
 */
public final class ScramClient {
    private final String username;
    private final String password;
    private final String gs2Header;
    private final String clientNonce;
    private String authMessage;
    private byte[] saltedPassword;

    public ScramClient(String username, String password) {
        this(username, password, "n,,", randomNonce());
    }

    public ScramClient(String username, String password, String gs2Header, String clientNonce) {
        this.username = username;
        this.password = password;
        this.gs2Header = gs2Header;
        this.clientNonce = clientNonce;
    }

    private static String randomNonce() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private String bare() {
        return "n=" + username.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
    }

    public byte[] clientFirst() {
        return (gs2Header + bare()).getBytes(StandardCharsets.UTF_8);
    }

    /** The client-final-message answering {@code serverFirst}. */
    public byte[] clientFinal(byte[] serverFirstBytes) {
        String serverFirst = new String(serverFirstBytes, StandardCharsets.UTF_8);
        Map<Character, String> attrs = new HashMap<>();
        for (String part : serverFirst.split(",")) {
            attrs.put(part.charAt(0), part.substring(2));
        }
        String nonce = attrs.get('r');
        if (!nonce.startsWith(clientNonce)) {
            throw new IllegalStateException("server nonce does not extend the client nonce");
        }
        byte[] salt = Base64.getDecoder().decode(attrs.get('s'));
        int iterations = Integer.parseInt(attrs.get('i'));
        saltedPassword = pbkdf2(password, salt, iterations);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8)) + ",r=" + nonce;
        authMessage = bare() + "," + serverFirst + "," + withoutProof;
        byte[] clientKey = hmac(saltedPassword, "Client Key");
        byte[] signature = hmac(sha256(clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the server-final-message proves the server knew the credential. */
    public boolean verifyServerFinal(byte[] serverFinal) {
        String expected = "v=" + Base64.getEncoder().encodeToString(hmac(hmac(saltedPassword, "Server Key"), authMessage));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), serverFinal);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
