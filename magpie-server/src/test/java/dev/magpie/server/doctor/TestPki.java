package dev.magpie.server.doctor;

import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.CertifiedKey;
import dev.magpie.server.certs.KeySpec;
import dev.magpie.server.certs.Pem;
import dev.magpie.server.certs.ServerNames;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Certificates for the doctor's tests, in a directory: the project's own CA ({@code ca.crt}) and what it signs,
 * plus what {@link CertificateAuthority} deliberately cannot make (an expired certificate, a CA with an
 * intermediate), built here with BouncyCastle.
 */
final class TestPki {

    /** Where the leaf of {@link #withIntermediate} says its issuer is published. */
    static final String INTERMEDIATE_URL = "http://ca.example/intermediate.crt";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final CertificateAuthority ca;

    TestPki(Path dir) throws IOException {
        this.dir = dir;
        this.ca = CertificateAuthority.create("Doctor Test CA", KeySpec.ec(), 365);
        Files.writeString(dir.resolve("ca.crt"), Pem.certificate(ca.certificate()));
    }

    Path caFile() {
        return dir.resolve("ca.crt");
    }

    /** A server certificate for {@code dnsNames} from the test CA, valid {@code days}; files NAME.crt (leaf only) and NAME.key. */
    Path[] server(String name, int days, String... dnsNames) throws IOException {
        CertifiedKey key = ca.issueServer(ServerNames.of(List.of(dnsNames), List.of()), KeySpec.ec(), days);
        return write(name, key.privateKey(), List.of(key.certificate()));
    }

    /** A server certificate for localhost from another, self-signed CA; the file holds the leaf and that CA. */
    Path[] fromOtherCa(String name) throws IOException {
        CertificateAuthority other = CertificateAuthority.create("Other CA", KeySpec.ec(), 30);
        CertifiedKey key = other.issueServer(ServerNames.of(List.of("localhost"), List.of()), KeySpec.ec(), 30);
        return write(name, key.privateKey(), key.chain());
    }

    /** A certificate for localhost from the test CA that expired yesterday. */
    Path[] expired(String name) throws Exception {
        KeyPair keys = ecKeys();
        Instant now = Instant.now();
        X509Certificate leaf = sign(X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                ca.certifiedKey().privateKey(), "localhost", keys, now.minus(Duration.ofDays(20)),
                now.minus(Duration.ofDays(1)), false);
        return write(name, keys.getPrivate(), List.of(leaf));
    }

    /**
     * A root "Chain Root" ({@code chain-root.crt}), an intermediate "Chain Intermediate" it signs
     * ({@code chain-intermediate.crt}), and a
     * localhost certificate the intermediate signs: {@code NAME-leaf.crt} holds only the leaf,
     * {@code NAME-full.crt} the leaf and the intermediate; both use {@code NAME.key}.
     */
    Path[][] withIntermediate(String name) throws Exception {
        Instant now = Instant.now();
        Instant from = now.minus(Duration.ofHours(1));
        Instant to = now.plus(Duration.ofDays(30));
        KeyPair rootKeys = ecKeys();
        X500Name rootName = new X500Name("CN=Chain Root");
        X509Certificate root = sign(rootName, rootKeys.getPrivate(), null, rootKeys, from, to, true);
        KeyPair intermediateKeys = ecKeys();
        X509Certificate intermediate = caCertificate(new X500Name("CN=Chain Intermediate"), rootName,
                rootKeys.getPrivate(), intermediateKeys, from, to);
        KeyPair leafKeys = ecKeys();
        X509Certificate leaf = sign(new X500Name("CN=Chain Intermediate"), intermediateKeys.getPrivate(), "localhost",
                leafKeys, from, to, false, INTERMEDIATE_URL);
        Files.writeString(dir.resolve("chain-root.crt"), Pem.certificate(root));
        Files.writeString(dir.resolve("chain-intermediate.crt"), Pem.certificate(intermediate));
        Path[] leafOnly = write(name + "-leaf", leafKeys.getPrivate(), List.of(leaf));
        Path[] full = write(name + "-full", leafKeys.getPrivate(), List.of(leaf, intermediate));
        return new Path[][]{leafOnly, full};
    }

    /**
     * A localhost leaf signed by an intermediate that the test CA signed, leaf first. The test CA, like every
     * {@link CertificateAuthority}, has path length 0, so this chain breaks its constraints.
     */
    List<X509Certificate> intermediateUnderTheTestCa() throws Exception {
        Instant from = Instant.now().minus(Duration.ofHours(1));
        Instant to = Instant.now().plus(Duration.ofDays(30));
        KeyPair intermediateKeys = ecKeys();
        X500Name intermediateName = new X500Name("CN=Too Deep Intermediate");
        X509Certificate intermediate = caCertificate(intermediateName,
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                ca.certifiedKey().privateKey(), intermediateKeys, from, to);
        X509Certificate leaf = sign(intermediateName, intermediateKeys.getPrivate(), "localhost", ecKeys(), from, to,
                false);
        return List.of(leaf, intermediate);
    }

    /** A self-signed localhost server certificate (what some set-ups pin instead of using a CA). */
    static X509Certificate selfSignedLeaf() throws Exception {
        KeyPair keys = ecKeys();
        Instant now = Instant.now();
        return sign(new X500Name("CN=localhost"), keys.getPrivate(), "localhost", keys, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(30)), false);
    }

    private Path[] write(String name, PrivateKey key, List<X509Certificate> chain) throws IOException {
        StringBuilder pem = new StringBuilder();
        chain.forEach(c -> pem.append(Pem.certificate(c)));
        Path crt = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Files.writeString(crt, pem);
        Files.writeString(keyFile, Pem.privateKey(key));
        return new Path[]{crt, keyFile};
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /** A root (self-signed, {@code dnsName} null) or a server leaf for {@code dnsName}, issued by {@code issuer}. */
    private static X509Certificate sign(X500Name issuer, PrivateKey issuerKey, String dnsName, KeyPair subjectKeys,
                                        Instant from, Instant to, boolean ca) throws Exception {
        return sign(issuer, issuerKey, dnsName, subjectKeys, from, to, ca, null);
    }

    /** As above, naming where the issuer's certificate is published ({@code issuerUrl}, may be null) as public CAs do. */
    private static X509Certificate sign(X500Name issuer, PrivateKey issuerKey, String dnsName, KeyPair subjectKeys,
                                        Instant from, Instant to, boolean ca, String issuerUrl) throws Exception {
        X500Name subject = dnsName == null ? issuer : new X500Name("CN=" + dnsName);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(from),
                Date.from(to), subject, subjectKeys.getPublic());
        if (ca) {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        }
        if (issuerUrl != null) {
            builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                    AccessDescription.id_ad_caIssuers, new GeneralName(GeneralName.uniformResourceIdentifier, issuerUrl)));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static X509Certificate caCertificate(X500Name subject, X500Name issuer, PrivateKey issuerKey,
                                                 KeyPair subjectKeys, Instant from, Instant to) throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(from),
                Date.from(to), subject, subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }
}
