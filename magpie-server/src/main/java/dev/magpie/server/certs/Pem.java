package dev.magpie.server.certs;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * PEM, the text format every TLS tool reads: certificates as {@code -----BEGIN CERTIFICATE-----} and private
 * keys as unencrypted PKCS#8 {@code -----BEGIN PRIVATE KEY-----}, the one key format that mosquitto, Node.js,
 * nginx, openssl and the JDK all accept for both EC and RSA. Reading also accepts the older
 * {@code BEGIN EC PRIVATE KEY} / {@code BEGIN RSA PRIVATE KEY} forms, so a CA made with openssl can be used.
 */
public final class Pem {

    private Pem() {
    }

    /** {@code certificate} as one PEM block. */
    public static String certificate(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** {@code key} as an unencrypted PKCS#8 PEM block ({@code BEGIN PRIVATE KEY}). */
    public static String privateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("key has no PKCS#8 encoding: " + key.getFormat());
        }
        return encode("PRIVATE KEY", key.getEncoded());
    }

    /**
     * The certificates in a PEM file, in file order.
     *
     * @throws CertsException if the file holds no certificate or a damaged one
     * @throws IOException    if the file cannot be read
     */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        // Read first, parse second: an IOException from parsing an in-memory string is about the content.
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new CertsException(file + " is not a valid PEM certificate file (" + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new CertsException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /**
     * The first private key in a PEM file: PKCS#8 or traditional EC/RSA, unencrypted.
     *
     * @throws CertsException if the file holds no private key, only an encrypted one, or a damaged one
     * @throws IOException    if the file cannot be read
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                    throw new CertsException(file + " holds an encrypted private key; decrypt it first"
                            + " (openssl pkey -in " + file + " -out plain.key)");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof CertsException certsException) {
                throw certsException;
            }
            throw new CertsException(file + " is not a valid PEM private key file (" + e.getMessage() + ")", e);
        }
        throw new CertsException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static String encode(String type, byte[] der) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return text.toString();
    }
}
