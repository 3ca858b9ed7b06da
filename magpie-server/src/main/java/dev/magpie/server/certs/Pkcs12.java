package dev.magpie.server.certs;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS12PfxPdu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;

/**
 * PKCS#12 ({@code .p12}): a key, its certificate and the CA chain in one password-protected file, for clients
 * that want a single file (Java key stores, Windows and macOS certificate import, Android).
 *
 * <p>The file is written by the JDK's own PKCS#12 key store, so no BouncyCastle cipher is involved (a shaded,
 * unsigned BouncyCastle cannot serve as a JCE cipher provider on every JDK). The private key is encrypted with
 * PBES2 (PBKDF2 with HMAC-SHA-256, AES-256-CBC), chosen explicitly; the certificates and the integrity MAC use
 * the JDK's PKCS#12 defaults, which on Java 17 are the same PBES2/AES-256 and HMAC-SHA-256. That is what
 * OpenSSL 3 writes by default and reads without {@code -legacy}. Because those defaults can be changed in the
 * {@code java.security} file, the result is checked, and a JVM configured for the legacy algorithms (RC2-40,
 * 3DES, SHA-1 MAC, refused by OpenSSL 3) gets an error instead of a file nobody can open.
 */
public final class Pkcs12 {

    private static final String KEY_PROTECTION = "PBEWithHmacSHA256AndAES_256";

    private Pkcs12() {
    }

    /**
     * {@code key} and its chain as PKCS#12 bytes, the key's entry named {@code alias}.
     *
     * @param password not empty: an unprotected private key belongs in a PEM file with owner-only permissions
     */
    public static byte[] encode(CertifiedKey key, String alias, char[] password) {
        if (password == null || password.length == 0) {
            throw new CertsException("a PKCS#12 file needs a non-empty password");
        }
        byte[] encoded;
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setEntry(alias,
                    new KeyStore.PrivateKeyEntry(key.privateKey(), key.chain().toArray(Certificate[]::new)),
                    new KeyStore.PasswordProtection(password, KEY_PROTECTION, null));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            encoded = out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("this JVM cannot write a PKCS#12 file with " + KEY_PROTECTION, e);
        }
        checkModernAlgorithms(encoded);
        return encoded;
    }

    /** Fails unless every encrypted part uses PBES2 and the MAC uses SHA-256. */
    private static void checkModernAlgorithms(byte[] encoded) {
        PKCS12PfxPdu pfx;
        try {
            pfx = new PKCS12PfxPdu(encoded);
        } catch (IOException e) {
            throw new IllegalStateException("the JDK wrote a PKCS#12 file that does not parse", e);
        }
        boolean modern = pfx.hasMac() && NISTObjectIdentifiers.id_sha256.equals(pfx.getMacAlgorithmID().getAlgorithm());
        for (ContentInfo info : pfx.getContentInfos()) {
            if (PKCSObjectIdentifiers.encryptedData.equals(info.getContentType())) {
                ASN1ObjectIdentifier algorithm = EncryptedData.getInstance(info.getContent())
                        .getEncryptionAlgorithm().getAlgorithm();
                modern &= PKCSObjectIdentifiers.id_PBES2.equals(algorithm);
            }
        }
        if (!modern) {
            throw new CertsException("this JVM writes PKCS#12 files with legacy algorithms that OpenSSL 3 refuses"
                    + " (see keystore.pkcs12.* in its java.security); use the PEM files, or a JVM with the"
                    + " default settings");
        }
    }
}
