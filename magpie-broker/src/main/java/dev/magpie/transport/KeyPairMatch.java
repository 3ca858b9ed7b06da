package dev.magpie.transport;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;

/**
 * Whether a private key belongs to a certificate's public key. A TLS library accepts any key next to any
 * certificate and only fails at the first handshake ({@code KEY_VALUES_MISMATCH}), so the broker checks first
 * and refuses to start, or to swap in a reloaded pair, when they do not belong together.
 *
 * <p>RSA keys carry their public modulus and exponent, which are compared; every other kind (EC, Ed25519,
 * Ed448, RSA without CRT parts) signs a random probe with the private key and verifies it with the public one,
 * which is what a handshake will do. Different kinds of key never match.
 */
final class KeyPairMatch {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyPairMatch() {
    }

    /** Empty if {@code privateKey} belongs to {@code publicKey}; otherwise why not, in one phrase. */
    static Optional<String> mismatch(PublicKey publicKey, PrivateKey privateKey) {
        if (!family(publicKey.getAlgorithm()).equals(family(privateKey.getAlgorithm()))) {
            return Optional.of("the certificate's public key is " + publicKey.getAlgorithm() + ", the private key is "
                    + privateKey.getAlgorithm());
        }
        if (publicKey instanceof RSAPublicKey rsa && privateKey instanceof RSAPrivateCrtKey crt) {
            boolean same = rsa.getModulus().equals(crt.getModulus()) && rsa.getPublicExponent().equals(crt.getPublicExponent());
            return same ? Optional.empty() : Optional.of("the RSA modulus of the private key is not the certificate's");
        }
        return probe(publicKey, privateKey) ? Optional.empty()
                : Optional.of("a signature made with the " + privateKey.getAlgorithm()
                        + " private key does not verify with the certificate's public key");
    }

    /**
     * The key re-read by the JDK's own key factory from its standard encoding, so that a key object from another
     * provider (Netty reads PEM through Bouncy Castle when it is registered) can be used with the JDK's
     * signatures; the key itself if it cannot be.
     */
    @SuppressWarnings("unchecked")
    private static <K extends Key> K inJdkForm(K key) {
        String factory = family(key.getAlgorithm()).equals("EdDSA") ? "EdDSA" : family(key.getAlgorithm());
        try {
            KeyFactory keys = KeyFactory.getInstance(factory);
            return key instanceof PrivateKey
                    ? (K) keys.generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()))
                    : (K) keys.generatePublic(new X509EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException | RuntimeException e) {
            return key;
        }
    }

    /**
     * The kind of key whatever the provider calls it: Bouncy Castle names EC keys {@code ECDSA} where the JDK
     * says {@code EC}, and an Ed25519 key may be {@code EdDSA} or {@code Ed25519}.
     */
    private static String family(String algorithm) {
        return switch (algorithm) {
            case "EC", "ECDSA" -> "EC";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> algorithm;
        };
    }

    private static boolean probe(PublicKey certificateKey, PrivateKey keyFileKey) {
        PublicKey publicKey = inJdkForm(certificateKey);
        PrivateKey privateKey = inJdkForm(keyFileKey);
        String algorithm = switch (family(privateKey.getAlgorithm())) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> privateKey.getAlgorithm(); // Ed25519, Ed448, EdDSA: the key's name is the signature's
        };
        byte[] data = new byte[32];
        RANDOM.nextBytes(data);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(data);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // a key this JVM cannot sign with cannot serve a handshake either
        }
    }
}
