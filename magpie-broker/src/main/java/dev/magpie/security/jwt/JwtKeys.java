package dev.magpie.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The verification keys of one {@link JwtAuthenticator}, each already bound to the configured algorithm:
 * a key of the wrong kind for it (an RSA key for ES256, a secret for RS256) is refused when the keys are
 * built, not discovered at the first CONNECT. A key with an id ({@code kid}) only verifies tokens that name
 * it; keys without an id are tried for any token.
 */
public final class JwtKeys {
    record Entry(String keyId, JWSVerifier verifier) {
    }

    private final JwtAlgorithm algorithm;
    private final List<Entry> entries;

    private JwtKeys(JwtAlgorithm algorithm, List<Entry> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no " + algorithm + " verification key");
        }
        this.algorithm = algorithm;
        this.entries = List.copyOf(entries);
    }

    /** An HS256 shared secret; at least 32 bytes, as RFC 7518 section 3.2 requires. */
    public static JwtKeys hmacSecret(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("an HS256 secret must be at least 32 bytes (256 bits), was " + secret.length);
        }
        try {
            return new JwtKeys(JwtAlgorithm.HS256, List.of(new Entry(null, new MACVerifier(secret.clone()))));
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** An RS256 or ES256 public key. */
    public static JwtKeys publicKey(JwtAlgorithm algorithm, PublicKey key) {
        return new JwtKeys(algorithm, List.of(new Entry(null, verifier(algorithm, key))));
    }

    /**
     * A PEM file with a public key ({@code BEGIN PUBLIC KEY}) or a certificate ({@code BEGIN CERTIFICATE})
     * for RS256 or ES256.
     */
    public static JwtKeys pemFile(JwtAlgorithm algorithm, Path file) {
        String text = read(file);
        try {
            PublicKey key;
            if (text.contains("-----BEGIN CERTIFICATE-----")) {
                key = CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII))).getPublicKey();
            } else if (text.contains("-----BEGIN PUBLIC KEY-----")) {
                byte[] der = Base64.getMimeDecoder().decode(text.substring(text.indexOf("-----BEGIN PUBLIC KEY-----") + 26,
                        text.indexOf("-----END PUBLIC KEY-----")));
                key = KeyFactory.getInstance(algorithm == JwtAlgorithm.ES256 ? "EC" : "RSA").generatePublic(new X509EncodedKeySpec(der));
            } else {
                throw new IllegalArgumentException(file + " holds neither a PEM public key (BEGIN PUBLIC KEY) nor a certificate");
            }
            return publicKey(algorithm, key);
        } catch (GeneralSecurityException | IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("cannot read a " + algorithm + " public key from " + file + ": " + e.getMessage(), e);
        }
    }

    /** The keys of a JWKS document (RFC 7517) usable for {@code algorithm}; others in the set are skipped. */
    public static JwtKeys jwks(JwtAlgorithm algorithm, String json) {
        List<Entry> entries = new ArrayList<>();
        try {
            for (JWK jwk : JWKSet.parse(json).getKeys()) {
                if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
                    continue;
                }
                if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(algorithm.jose())) {
                    continue;
                }
                Optional<JWSVerifier> verifier = verifier(algorithm, jwk);
                if (verifier.isPresent()) {
                    entries.add(new Entry(jwk.getKeyID(), verifier.get()));
                }
            }
        } catch (java.text.ParseException | JOSEException e) {
            throw new IllegalArgumentException("malformed JWKS: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("the JWKS holds no " + algorithm + " signature key");
        }
        return new JwtKeys(algorithm, entries);
    }

    /** {@link #jwks} from a file. */
    public static JwtKeys jwksFile(JwtAlgorithm algorithm, Path file) {
        try {
            return jwks(algorithm, read(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<JWSVerifier> verifier(JwtAlgorithm algorithm, JWK jwk) throws JOSEException {
        return switch (algorithm) {
            case HS256 -> jwk instanceof OctetSequenceKey oct && oct.toByteArray().length >= 32
                    ? Optional.of(new MACVerifier(oct.toByteArray())) : Optional.empty();
            case RS256 -> jwk instanceof RSAKey rsa ? Optional.of(verifier(algorithm, rsa.toRSAPublicKey())) : Optional.empty();
            case ES256 -> jwk instanceof ECKey ec && com.nimbusds.jose.jwk.Curve.P_256.equals(ec.getCurve())
                    ? Optional.of(verifier(algorithm, ec.toECPublicKey())) : Optional.empty();
        };
    }

    private static JWSVerifier verifier(JwtAlgorithm algorithm, PublicKey key) {
        try {
            return switch (algorithm) {
                case HS256 -> throw new IllegalArgumentException("HS256 takes a shared secret, not a public key");
                case RS256 -> {
                    if (!(key instanceof RSAPublicKey rsa)) {
                        throw new IllegalArgumentException("RS256 needs an RSA public key, got " + key.getAlgorithm());
                    }
                    if (rsa.getModulus().bitLength() < 2048) {
                        throw new IllegalArgumentException("RS256 keys must have at least 2048 bits, this one has " + rsa.getModulus().bitLength());
                    }
                    yield new RSASSAVerifier(rsa);
                }
                case ES256 -> {
                    if (!(key instanceof ECPublicKey ec) || !com.nimbusds.jose.jwk.Curve.P_256.equals(com.nimbusds.jose.jwk.Curve.forECParameterSpec(ec.getParams()))) {
                        throw new IllegalArgumentException("ES256 needs an EC public key on P-256, got " + key.getAlgorithm());
                    }
                    yield new ECDSAVerifier(ec);
                }
            };
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public JwtAlgorithm algorithm() {
        return algorithm;
    }

    /** The verifiers to try for a token naming {@code keyId} (null when it names none). */
    List<JWSVerifier> candidates(String keyId) {
        return entries.stream().filter(e -> e.keyId() == null || keyId == null || e.keyId().equals(keyId))
                .map(Entry::verifier).toList();
    }
}
