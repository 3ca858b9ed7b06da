package dev.magpie.security.jwt;

import com.nimbusds.jose.JWSAlgorithm;

import java.util.Locale;

/**
 * The signature algorithms accepted, one per authenticator: a token must name exactly the configured one.
 * Binding the algorithm to the configuration, not to the token's header, is what defeats algorithm
 * confusion (a token that says HS256 and is "signed" with the RSA public key as HMAC secret).
 */
public enum JwtAlgorithm {
    /** HMAC with SHA-256 and a shared secret of at least 32 bytes. */
    HS256(JWSAlgorithm.HS256),
    /** RSASSA-PKCS1-v1_5 with SHA-256 and an RSA public key (2048 bits or more). */
    RS256(JWSAlgorithm.RS256),
    /** ECDSA on P-256 with SHA-256. */
    ES256(JWSAlgorithm.ES256);

    private final JWSAlgorithm jose;

    JwtAlgorithm(JWSAlgorithm jose) {
        this.jose = jose;
    }

    JWSAlgorithm jose() {
        return jose;
    }

    /** {@code HS256}, {@code RS256} or {@code ES256}, in any case. */
    public static JwtAlgorithm parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("algorithm '" + name + "' is not supported: use HS256, RS256 or ES256");
        }
    }
}
