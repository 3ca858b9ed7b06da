package dev.magpie.transport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/** The key/certificate match rule (issue 10: a mismatched pair was accepted, then every handshake failed). */
class KeyPairMatchTest {

    /** Two RSA pairs, made once: they are slow to make. */
    static KeyPair rsa;
    static KeyPair otherRsa;

    @BeforeAll
    static void makeRsaPairs() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
        otherRsa = g.generateKeyPair();
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static KeyPair ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    @Test
    void aKeyMatchesItsOwnPublicKey() throws Exception {
        for (KeyPair pair : new KeyPair[]{rsa, ec("secp256r1"), ec("secp384r1"), ed25519()}) {
            assertThat(KeyPairMatch.mismatch(pair.getPublic(), pair.getPrivate())).as(pair.getPrivate().getAlgorithm()).isEmpty();
        }
    }

    @Test
    void anRsaKeyOfAnotherPairIsRefusedByItsModulus() throws Exception {
        assertThat(KeyPairMatch.mismatch(rsa.getPublic(), otherRsa.getPrivate())).hasValueSatisfying(
                why -> assertThat(why).contains("RSA modulus"));
    }

    @Test
    void anEcKeyOfAnotherPairOnTheSameCurveFailsTheSignatureProbe() throws Exception {
        assertThat(KeyPairMatch.mismatch(ec("secp256r1").getPublic(), ec("secp256r1").getPrivate())).hasValueSatisfying(
                why -> assertThat(why).contains("does not verify"));
    }

    @Test
    void anEcKeyOnAnotherCurveIsRefused() throws Exception {
        assertThat(KeyPairMatch.mismatch(ec("secp256r1").getPublic(), ec("secp384r1").getPrivate())).isPresent();
    }

    @Test
    void aKeyReadByBouncyCastleStillMatchesItsJdkCertificateKey() throws Exception {
        // the server registers Bouncy Castle, whose EC keys say "ECDSA" where the JDK's say "EC"
        KeyPair pair = ec("secp256r1");
        PrivateKey bc = KeyFactory.getInstance("ECDSA", new BouncyCastleProvider())
                .generatePrivate(new PKCS8EncodedKeySpec(pair.getPrivate().getEncoded()));
        assertThat(bc.getAlgorithm()).isEqualTo("ECDSA");
        assertThat(KeyPairMatch.mismatch(pair.getPublic(), bc)).isEmpty();
        assertThat(KeyPairMatch.mismatch(ec("secp256r1").getPublic(), bc)).isPresent();
    }

    @Test
    void anEd25519KeyOfAnotherPairIsRefused() throws Exception {
        assertThat(KeyPairMatch.mismatch(ed25519().getPublic(), ed25519().getPrivate())).isPresent();
    }

    @Test
    void keysOfDifferentAlgorithmsNeverMatch() throws Exception {
        assertThat(KeyPairMatch.mismatch(rsa.getPublic(), ec("secp256r1").getPrivate())).hasValueSatisfying(
                why -> assertThat(why).contains("public key is RSA").contains("private key is EC"));
        assertThat(KeyPairMatch.mismatch(ed25519().getPublic(), rsa.getPrivate())).isPresent();
    }
}
