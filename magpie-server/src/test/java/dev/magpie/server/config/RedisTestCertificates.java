package dev.magpie.server.config;

import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.CertifiedKey;
import dev.magpie.server.certs.KeySpec;
import dev.magpie.server.certs.Pem;
import dev.magpie.server.certs.ServerNames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;

/**
 * The PEM files a TLS Redis test needs, made by Magpie's own certificate code in a temporary directory: a CA
 * ({@code ca.crt}), a server certificate for 127.0.0.1 and localhost ({@code redis.crt}, {@code redis.key}) and a
 * client certificate ({@code node.crt}, {@code node.key}).
 *
 * <pre>{@code
 * RedisTestCertificates certs = RedisTestCertificates.make("magpie-redis-tls-", "Magpie test Redis CA");
 * RedisServerKit.startTls(certs.file("redis.crt"), certs.file("redis.key"), certs.file("ca.crt"), true);
 * certs.delete();
 * }</pre>
 */
record RedisTestCertificates(Path dir) {

    static RedisTestCertificates make(String dirPrefix, String caName) throws IOException {
        RedisTestCertificates certs = new RedisTestCertificates(Files.createTempDirectory(dirPrefix));
        CertificateAuthority ca = CertificateAuthority.create(caName, KeySpec.ec(), 2);
        certs.writeCertificates("ca.crt", List.of(ca.certificate()));
        // Redis is reached at 127.0.0.1 (also every node of a cluster, by the slot map): the certificate names it
        certs.write("redis", ca.issueServer(ServerNames.of(List.of("localhost"), List.of("127.0.0.1")), KeySpec.ec(), 2));
        certs.write("node", ca.issueClient("node-tls", KeySpec.ec(), 2));
        return certs;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    private void write(String name, CertifiedKey key) throws IOException {
        writeCertificates(name + ".crt", key.chain());
        Files.writeString(dir.resolve(name + ".key"), Pem.privateKey(key.privateKey()));
    }

    private void writeCertificates(String file, List<X509Certificate> chain) throws IOException {
        StringBuilder pem = new StringBuilder();
        chain.forEach(certificate -> pem.append(Pem.certificate(certificate)));
        Files.writeString(dir.resolve(file), pem);
    }

    /** Removes the directory and everything in it. */
    void delete() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
