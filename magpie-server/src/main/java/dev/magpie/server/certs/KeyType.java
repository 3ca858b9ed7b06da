package dev.magpie.server.certs;

import java.util.Locale;

/** The key algorithms Magpie issues certificates for; {@link #cliName()} is how {@code --key-type} spells them. */
public enum KeyType {
    /** Elliptic curve (NIST P-256 by default): small, fast, and accepted by every current TLS stack. */
    EC,
    /** RSA, for clients and devices that cannot do ECDSA. */
    RSA;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code ec} or {@code rsa}, in any case. */
    public static KeyType parse(String value) {
        for (KeyType type : values()) {
            if (type.cliName().equalsIgnoreCase(value.trim())) {
                return type;
            }
        }
        throw new CertsException("key type must be ec or rsa, was '" + value + "'");
    }
}
