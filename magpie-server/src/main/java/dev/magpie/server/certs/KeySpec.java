package dev.magpie.server.certs;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/**
 * The kind of key to generate: EC on P-256 or P-384, or RSA of 2048, 3072 or 4096 bits. P-256 is the default
 * because every TLS 1.2/1.3 client we care about (browsers, WeChat, mosquitto, MQTT.js, the JDK) accepts it and
 * it is much faster than RSA. RSA sizes are whole multiples of 1024 so that "RSA 2048–4096" cannot mean an odd
 * size some clients refuse.
 *
 * @param type EC or RSA
 * @param bits the curve size (256, 384) or the RSA modulus size (2048, 3072, 4096)
 */
public record KeySpec(KeyType type, int bits) {

    /** The size used for RSA when only {@code --key-type rsa} is given. */
    public static final int DEFAULT_RSA_BITS = 3072;

    public KeySpec {
        if (type == null) {
            throw new CertsException("key type must be ec or rsa");
        }
        if (type == KeyType.EC && bits != 256 && bits != 384) {
            throw new CertsException("EC keys are 256 (P-256) or 384 (P-384) bits, was " + bits
                    + (bits >= 1024 ? " (for RSA, choose key type rsa)" : ""));
        }
        if (type == KeyType.RSA && (bits < 2048 || bits > 4096 || bits % 1024 != 0)) {
            throw new CertsException("RSA keys are 2048, 3072 or 4096 bits, was " + bits);
        }
    }

    /** EC P-256, the default. */
    public static KeySpec ec() {
        return new KeySpec(KeyType.EC, 256);
    }

    /** {@code type} with {@code bits}, or that type's default size when {@code bits} is null. */
    public static KeySpec of(KeyType type, Integer bits) {
        if (bits != null) {
            return new KeySpec(type, bits);
        }
        return type == KeyType.RSA ? new KeySpec(KeyType.RSA, DEFAULT_RSA_BITS) : ec();
    }

    /** What the key of {@code key} is, for messages and checks: EC with its field size, or RSA with its modulus. */
    public static KeySpec of(PrivateKey key) {
        if (key instanceof ECKey ec) {
            return new KeySpec(KeyType.EC, ec.getParams().getCurve().getField().getFieldSize());
        }
        if (key instanceof RSAKey rsa) {
            return new KeySpec(KeyType.RSA, rsa.getModulus().bitLength());
        }
        throw new CertsException("unsupported key algorithm " + key.getAlgorithm() + "; use an EC or RSA key");
    }

    /** A new key pair of this kind, from the JDK's providers. */
    public KeyPair generate(SecureRandom random) {
        try {
            if (type == KeyType.EC) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec(bits == 256 ? "secp256r1" : "secp384r1"), random);
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + this + " keys", e);
        }
    }

    /** The signature algorithm a key of this kind signs certificates with. */
    String signatureAlgorithm() {
        if (type == KeyType.EC) {
            return bits == 256 ? "SHA256withECDSA" : "SHA384withECDSA";
        }
        return "SHA256withRSA";
    }

    /** "EC P-256", "RSA 3072". */
    @Override
    public String toString() {
        return type == KeyType.EC ? "EC P-" + bits : "RSA " + bits;
    }
}
