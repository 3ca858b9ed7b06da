package dev.magpie.transport;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;

/**
 * Whether a private key belongs to a certificate's public key. A TLS library accepts any key next to any
 * certificate and only fails at the first handshake ({@code KEY_VALUES_MISMATCH}), so the broker checks first
 * and refuses to start, or to swap in a reloaded pair, when they do not belong together.
 *
 * <p>RSA keys carry their public modulus and exponent, which are compared; every other kind (EC, Ed25519,
 * Ed448, RSA without CRT parts) signs a random probe with the private key and verifies it with the public one,
 * which is what a handshake will do. Different algorithms or EC curves never match.
 */
final class KeyPairMatch {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyPairMatch() {
    }

    /** Empty if {@code privateKey} belongs to {@code publicKey}; otherwise why not, in one phrase. */
    static Optional<String> mismatch(PublicKey publicKey, PrivateKey privateKey) {
        if (!publicKey.getAlgorithm().equals(privateKey.getAlgorithm())) {
            return Optional.of("the certificate's public key is " + publicKey.getAlgorithm() + ", the private key is "
                    + privateKey.getAlgorithm());
        }
        if (publicKey instanceof ECKey ecPublic && privateKey instanceof ECKey ecPrivate
                && !ecPublic.getParams().getCurve().equals(ecPrivate.getParams().getCurve())) {
            return Optional.of("the certificate's key and the private key are on different EC curves");
        }
        if (publicKey instanceof RSAPublicKey rsa && privateKey instanceof RSAPrivateCrtKey crt) {
            boolean same = rsa.getModulus().equals(crt.getModulus()) && rsa.getPublicExponent().equals(crt.getPublicExponent());
            return same ? Optional.empty() : Optional.of("the RSA modulus of the private key is not the certificate's");
        }
        return probe(publicKey, privateKey) ? Optional.empty()
                : Optional.of("a signature made with the " + privateKey.getAlgorithm()
                        + " private key does not verify with the certificate's public key");
    }

    private static boolean probe(PublicKey publicKey, PrivateKey privateKey) {
        String algorithm = switch (privateKey.getAlgorithm()) {
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
