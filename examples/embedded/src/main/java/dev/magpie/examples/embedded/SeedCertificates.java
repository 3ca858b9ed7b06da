package dev.magpie.examples.embedded;

import dev.magpie.TlsSettings;
import dev.magpie.server.certs.CertFiles;
import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.CertifiedKey;
import dev.magpie.server.certs.KeySpec;
import dev.magpie.server.certs.Pem;
import dev.magpie.server.certs.ServerNames;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The seed's HTTPS certificate, made with Magpie's own certificate code (what {@code bin/magpie certs} runs) instead
 * of openssl: a private CA and a server certificate for the given host name (and the loopback addresses), written
 * once into a directory and reused on later starts. A phone or a test trusts {@link #caCertificate()}; for a public
 * mini program, use a certificate from a public CA instead (docs/wechat.md).
 *
 * @param caCertificate the CA's certificate (PEM), for clients to trust
 * @param serverChain   the server certificate and the CA (PEM)
 * @param serverKey     the server's private key (PEM, PKCS#8)
 */
public record SeedCertificates(Path caCertificate, Path serverChain, Path serverKey) {

    /**
     * The certificates in {@code dir}, made there first when missing.
     *
     * @param dir  where ca.crt, ca.key, server.crt and server.key are (created if missing)
     * @param host the DNS name clients connect to, e.g. localhost or mqtt.example.com
     * @return the certificate files
     * @throws IOException when the directory or a file cannot be written
     */
    public static SeedCertificates ensure(Path dir, String host) throws IOException {
        SeedCertificates files = new SeedCertificates(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"));
        if (Files.exists(files.serverChain) && Files.exists(files.serverKey) && Files.exists(files.caCertificate)) {
            return files;
        }
        Files.createDirectories(dir);
        CertificateAuthority ca = CertificateAuthority.create("Magpie seed example CA", KeySpec.ec(), CertificateAuthority.DEFAULT_CA_DAYS);
        CertifiedKey server = ca.issueServer(ServerNames.of(List.of(host), List.of("127.0.0.1", "::1")), KeySpec.ec(),
                CertificateAuthority.DEFAULT_LEAF_DAYS);
        StringBuilder chain = new StringBuilder();
        server.chain().forEach(certificate -> chain.append(Pem.certificate(certificate)));
        CertFiles.writePrivate(dir.resolve("ca.key"), ascii(Pem.privateKey(ca.certifiedKey().privateKey())), true);
        CertFiles.writePublic(files.caCertificate, ascii(Pem.certificate(ca.certificate())), true);
        CertFiles.writePrivate(files.serverKey, ascii(Pem.privateKey(server.privateKey())), true);
        CertFiles.writePublic(files.serverChain, ascii(chain.toString()), true);
        return files;
    }

    /**
     * The server side of the HTTPS port.
     *
     * @return the TLS settings of the server certificate and key
     */
    public TlsSettings tls() {
        return TlsSettings.pem(serverChain, serverKey);
    }

    private static byte[] ascii(String pem) {
        return pem.getBytes(StandardCharsets.US_ASCII);
    }
}
