package dev.magpie.server.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A private key with its certificate and the chain that proves it: what a TLS server or client presents.
 *
 * @param privateKey  the key, which never leaves the files written with owner-only permissions
 * @param chain       the key's certificate first, then its issuers up to and including the root CA (a
 *                    self-signed CA's chain is just itself)
 */
public record CertifiedKey(PrivateKey privateKey, List<X509Certificate> chain) {

    public CertifiedKey {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certified key needs its certificate");
        }
    }

    /** The key's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** What kind of key this is (EC P-256, RSA 3072, ...). */
    public KeySpec keySpec() {
        return KeySpec.of(privateKey);
    }
}
