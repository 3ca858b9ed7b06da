package dev.magpie.testkit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made with the real {@code openssl} command line (as an operator would) in a
 * folder the test owns: a CA, a server certificate for {@code localhost} and {@code 127.0.0.1}, client
 * certificates (valid, expired, revoked with a CRL) and a certificate from an unrelated CA. Keys are P-256
 * (fast to make) in PKCS#8 PEM; the server key also exists encrypted and as PKCS#12 with password
 * {@link #PASSWORD}.
 */
public final class TestCertificates {
    public static final String PASSWORD = "secret";

    public final Path dir;
    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    public final Path serverKeyEncrypted;
    public final Path serverP12;
    public final Path clientCert;
    public final Path clientKey;
    public final Path expiredCert;
    public final Path expiredKey;
    public final Path revokedCert;
    public final Path revokedKey;
    public final Path crl;
    public final Path otherCaCert;
    public final Path otherCert;
    public final Path otherKey;

    private TestCertificates(Path dir) throws IOException {
        this.dir = dir;
        newCa("ca", "Magpie Test CA");
        newCa("other", "Some Other CA");
        caCert = dir.resolve("ca/ca.crt");
        otherCaCert = dir.resolve("other/ca.crt");
        serverCert = issue("ca", "server", "/CN=localhost/O=Magpie", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth", false);
        serverKey = dir.resolve("server.key");
        clientCert = issue("ca", "client", "/CN=device-42/O=Magpie Devices", "extendedKeyUsage=clientAuth", false);
        clientKey = dir.resolve("client.key");
        expiredCert = issue("ca", "expired", "/CN=device-old", "extendedKeyUsage=clientAuth", true);
        expiredKey = dir.resolve("expired.key");
        revokedCert = issue("ca", "revoked", "/CN=device-stolen", "extendedKeyUsage=clientAuth", false);
        revokedKey = dir.resolve("revoked.key");
        otherCert = issue("other", "stranger", "/CN=stranger", "extendedKeyUsage=clientAuth", false);
        otherKey = dir.resolve("stranger.key");
        openssl("ca", "-batch", "-config", dir.resolve("ca/ca.cnf").toString(), "-revoke", revokedCert.toString());
        crl = dir.resolve("ca/crl.pem");
        openssl("ca", "-batch", "-config", dir.resolve("ca/ca.cnf").toString(), "-gencrl", "-out", crl.toString());
        serverKeyEncrypted = dir.resolve("server-encrypted.key");
        openssl("pkcs8", "-topk8", "-in", serverKey.toString(), "-out", serverKeyEncrypted.toString(), "-passout", "pass:" + PASSWORD);
        serverP12 = dir.resolve("server.p12");
        openssl("pkcs12", "-export", "-in", serverCert.toString(), "-inkey", serverKey.toString(), "-certfile", caCert.toString(),
                "-out", serverP12.toString(), "-passout", "pass:" + PASSWORD, "-name", "server");
    }

    /** Makes the whole set in {@code dir} (takes a second or two). */
    public static TestCertificates create(Path dir) throws IOException {
        return new TestCertificates(dir);
    }

    /** Issues another certificate from the test CA, e.g. a replacement server certificate for reload tests. */
    public Path issueServer(String name, String subject) throws IOException {
        return issue("ca", name, subject, "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth", false);
    }

    /**
     * Issues another client certificate from the test CA with {@code subject} (openssl's {@code /CN=…/O=…} form; a
     * {@code /} or {@code +} inside a value is escaped with a backslash); its key is {@code <dir>/<name>.key}.
     */
    public Path issueClient(String name, String subject) throws IOException {
        return issue("ca", name, subject, "extendedKeyUsage=clientAuth", false);
    }

    private void newCa(String name, String commonName) throws IOException {
        Path ca = Files.createDirectories(dir.resolve(name));
        Files.writeString(ca.resolve("index.txt"), "");
        Files.writeString(ca.resolve("ca.cnf"), String.join("\n",
                "[ ca ]", "default_ca = this_ca",
                "[ this_ca ]",
                "database = " + ca.resolve("index.txt"),
                "new_certs_dir = " + ca,
                "certificate = " + ca.resolve("ca.crt"),
                "private_key = " + ca.resolve("ca.key"),
                "rand_serial = yes", "default_md = sha256", "default_days = 2", "default_crl_days = 2",
                "policy = any_name", "unique_subject = no", "email_in_dn = no",
                "[ any_name ]", "commonName = supplied", "organizationName = optional", ""));
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", ca.resolve("ca.key").toString(), "-out", ca.resolve("ca.crt").toString(), "-days", "2",
                "-subj", "/CN=" + commonName, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private Path issue(String ca, String name, String subject, String extensions, boolean expired) throws IOException {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".crt");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n" + extensions + "\n");
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", subject);
        List<String> args = new ArrayList<>(List.of("ca", "-batch", "-notext", "-config", dir.resolve(ca + "/ca.cnf").toString(),
                "-in", csr.toString(), "-out", cert.toString(), "-extfile", ext.toString()));
        if (expired) {
            args.addAll(List.of("-startdate", "20200101000000Z", "-enddate", "20200102000000Z"));
        }
        openssl(args.toArray(String[]::new));
        return cert;
    }

    private static void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    // ---- client side, for Java clients ----

    /** An SSL context that trusts {@code ca} and, when {@code cert} is given, presents it with {@code key}. */
    public static SSLContext clientContext(Path ca, Path cert, Path key, String... protocols) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificates(ca).get(0));
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (cert != null) {
            KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
            keys.load(null, null);
            keys.setKeyEntry("me", privateKey(key), new char[0], certificates(cert).toArray(Certificate[]::new));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext context = SSLContext.getInstance(protocols.length > 0 ? protocols[0] : "TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    /** An SSL context that trusts {@code ca} and presents no certificate. */
    public static SSLContext clientContext(Path ca) throws Exception {
        return clientContext(ca, null, null);
    }

    public static List<Certificate> certificates(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String text = Files.readString(pem);
        String body = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }
}
