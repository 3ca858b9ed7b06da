package dev.magpie.server.certs;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A certificate authority that lives in two files ({@code ca.crt}, {@code ca.key}) and signs the server and
 * client certificates of one Magpie deployment. It is a root, self-signed, and can only sign end-entity
 * certificates (path length 0), which is all a private MQTT deployment needs and limits what a stolen CA key
 * can do.
 *
 * <p>Every certificate gets what current TLS stacks check: a random 128-bit serial (browsers reject reused
 * issuer/serial pairs, so serials must not repeat across CAs of the same name), subject and authority key
 * identifiers (how a verifier finds the issuer), critical basic constraints and key usage, and for leaves the
 * extended key usage for its role. A server's names are in the subject alternative names, which is where
 * clients look; its common name only repeats the first one for humans.
 *
 * <p>Validity starts an hour in the past, so a client whose clock is a little behind accepts a certificate
 * made a moment ago. Instances are immutable and safe to share.
 */
public final class CertificateAuthority {

    /** Ten years: a development CA should outlive the certificates it signs and the devices that trust it. */
    public static final int DEFAULT_CA_DAYS = 3650;

    /**
     * 825 days for server and client certificates. Apple platforms (macOS, iOS, and so Safari and every iOS
     * app, WeChat included) reject TLS server certificates valid for longer than 825 days even when they chain
     * to a root the user installed, with a vague "not trusted" error. Browsers cap certificates from public CAs
     * at 398 days but not those from a root you add yourself, so 825 is the longest that works everywhere for
     * a private CA. Client certificates use the same default so both kinds are renewed together.
     */
    public static final int DEFAULT_LEAF_DAYS = 825;

    /** Longest validity accepted for any certificate, to catch typos such as an extra digit. */
    public static final int MAX_DAYS = 36500;

    public static final String DEFAULT_COMMON_NAME = "Magpie CA";

    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CertifiedKey ca;

    private CertificateAuthority(CertifiedKey ca) {
        this.ca = ca;
    }

    /** A new self-signed root CA named {@code commonName}, valid for {@code days} days. */
    public static CertificateAuthority create(String commonName, KeySpec keySpec, int days) {
        checkDays(days);
        String cn = checkCommonName(commonName);
        KeyPair keys = keySpec.generate(RANDOM);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
        Instant now = Instant.now();
        JcaX509ExtensionUtils extensions = extensionUtils();
        SubjectKeyIdentifier ski = extensions.createSubjectKeyIdentifier(keys.getPublic());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, newSerial(),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(Duration.ofDays(days))), subject, keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ski)
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            new AuthorityKeyIdentifier(ski.getKeyIdentifier()));
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode CA extensions", e);
        }
        X509Certificate certificate = sign(builder, keys.getPrivate());
        return new CertificateAuthority(new CertifiedKey(keys.getPrivate(), List.of(certificate)));
    }

    /**
     * The CA in {@code certificateFile} (PEM) and {@code keyFile} (PEM, PKCS#8 or traditional EC/RSA), checked:
     * the certificate must be a currently valid CA allowed to sign certificates, and the key must be its key.
     *
     * @throws CertsException if either file is not what it should be
     * @throws IOException    if either file cannot be read
     */
    public static CertificateAuthority load(Path certificateFile, Path keyFile) throws IOException {
        X509Certificate certificate = Pem.readCertificates(certificateFile).get(0);
        PrivateKey key = Pem.readPrivateKey(keyFile);
        if (certificate.getBasicConstraints() < 0) {
            throw new CertsException(certificateFile + " is not a CA certificate (basic constraints CA:FALSE)");
        }
        boolean[] usage = certificate.getKeyUsage();
        if (usage != null && !usage[5]) {
            throw new CertsException(certificateFile + " is a CA certificate not allowed to sign certificates"
                    + " (no keyCertSign key usage)");
        }
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new CertsException("the CA certificate " + certificateFile + " expired on "
                    + certificate.getNotAfter().toInstant() + "; create a new CA");
        } catch (CertificateNotYetValidException e) {
            throw new CertsException("the CA certificate " + certificateFile + " is not valid before "
                    + certificate.getNotBefore().toInstant() + "; check this machine's clock");
        }
        if (!keyMatches(key, certificate.getPublicKey())) {
            throw new CertsException(keyFile + " is not the private key of " + certificateFile);
        }
        return new CertificateAuthority(new CertifiedKey(key, List.of(certificate)));
    }

    /** The CA's certificate and key. */
    public CertifiedKey certifiedKey() {
        return ca;
    }

    public X509Certificate certificate() {
        return ca.certificate();
    }

    /**
     * A TLS server certificate for {@code names}: extended key usage serverAuth, the names as subject
     * alternative names, common name the first of them. Valid for {@code days} days, but never past the CA.
     */
    public CertifiedKey issueServer(ServerNames names, KeySpec keySpec, int days) {
        List<GeneralName> san = new ArrayList<>();
        names.dnsNames().forEach(dns -> san.add(new GeneralName(GeneralName.dNSName, dns)));
        for (InetAddress ip : names.ipAddresses()) {
            san.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress())));
        }
        return issueLeaf(names.commonName(), keySpec, days, KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(san.toArray(GeneralName[]::new)));
    }

    /**
     * A TLS client certificate whose common name is {@code commonName} (what a broker checking client
     * certificates sees as the client's identity): extended key usage clientAuth. Valid for {@code days}
     * days, but never past the CA.
     */
    public CertifiedKey issueClient(String commonName, KeySpec keySpec, int days) {
        return issueLeaf(checkCommonName(commonName), keySpec, days, KeyPurposeId.id_kp_clientAuth, null);
    }

    private CertifiedKey issueLeaf(String commonName, KeySpec keySpec, int days, KeyPurposeId purpose,
                                   GeneralNames subjectAltNames) {
        checkDays(days);
        KeyPair keys = keySpec.generate(RANDOM);
        X509Certificate issuer = ca.certificate();
        Instant now = Instant.now();
        Instant notAfter = now.plus(Duration.ofDays(days));
        if (notAfter.isAfter(issuer.getNotAfter().toInstant())) {
            notAfter = issuer.getNotAfter().toInstant();
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        // An RSA key may be used for RSA key exchange (TLS 1.2 static RSA), which needs keyEncipherment;
        // an EC key only ever signs (ECDHE), so digitalSignature alone is the honest usage.
        int keyUsage = keySpec.type() == KeyType.RSA
                ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                : KeyUsage.digitalSignature;
        JcaX509ExtensionUtils extensions = extensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, newSerial(),
                Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            new AuthorityKeyIdentifier(issuerKeyIdentifier(issuer, extensions)));
            if (subjectAltNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames);
            }
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode certificate extensions", e);
        }
        X509Certificate certificate = sign(builder, ca.privateKey());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(ca.chain());
        return new CertifiedKey(keys.getPrivate(), chain);
    }

    /** The issuer's own subject key identifier if it has one (a CA made elsewhere may use another method). */
    private static byte[] issuerKeyIdentifier(X509Certificate issuer, JcaX509ExtensionUtils extensions) {
        try {
            SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(
                    new JcaX509CertificateHolder(issuer).getExtensions());
            if (ski != null) {
                return ski.getKeyIdentifier();
            }
        } catch (CertificateException e) {
            // an unparsable extension: derive the identifier from the key below
        }
        return extensions.createSubjectKeyIdentifier(issuer.getPublicKey()).getKeyIdentifier();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
        try {
            ContentSigner contentSigner = new JcaContentSignerBuilder(KeySpec.of(signer).signatureAlgorithm())
                    .build(signer);
            X509CertificateHolder holder = builder.build(contentSigner);
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("cannot sign a certificate with a " + KeySpec.of(signer) + " key", e);
        }
    }

    /** Signs a probe with {@code key} and checks it with {@code publicKey}. */
    private static boolean keyMatches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            String algorithm = KeySpec.of(key).signatureAlgorithm();
            byte[] probe = new byte[32];
            RANDOM.nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A positive serial of 128 random bits (RFC 5280 allows up to 20 octets; CAs must use at least 64 bits). */
    private static BigInteger newSerial() {
        byte[] bytes = new byte[16];
        BigInteger serial;
        do {
            RANDOM.nextBytes(bytes);
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }

    private static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no SHA-1, needed for key identifiers", e);
        }
    }

    private static void checkDays(int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw new CertsException("validity must be 1.." + MAX_DAYS + " days, was " + days);
        }
    }

    private static String checkCommonName(String commonName) {
        String cn = commonName == null ? "" : commonName.strip();
        if (cn.isEmpty() || cn.length() > 64) {
            throw new CertsException("a common name is 1..64 characters, was '" + commonName + "'");
        }
        return cn;
    }
}
