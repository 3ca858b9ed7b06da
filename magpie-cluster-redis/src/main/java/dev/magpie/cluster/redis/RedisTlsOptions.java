package dev.magpie.cluster.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;

import dev.magpie.cluster.ClusterException;
import io.lettuce.core.SslOptions;

/**
 * Turns {@link RedisBackendSettings.Tls} into Lettuce's {@link SslOptions}. The files are given to Lettuce as
 * resources it opens at every connection attempt (not read once here), so certificates renewed on disk are used from the
 * next reconnect on; {@link #check} reads them once at start so that a missing or wrong file stops the start with its
 * name rather than as a failed handshake. Hostname verification stays Lettuce's default for {@code rediss://}: the
 * server's certificate must name the host of the URI (a DNS name or an IP address in its subject alternative names).
 */
final class RedisTlsOptions {

    private RedisTlsOptions() {
    }

    /** The options for {@code tls}; empty for {@link RedisBackendSettings.Tls#JVM_DEFAULTS} (Lettuce's own defaults). */
    static Optional<SslOptions> of(RedisBackendSettings.Tls tls) {
        if (tls.equals(RedisBackendSettings.Tls.JVM_DEFAULTS)) {
            return Optional.empty();
        }
        SslOptions.Builder builder = SslOptions.builder().jdkSslProvider();
        if (!tls.caFile().isEmpty()) {
            builder.trustManager(SslOptions.Resource.from(new File(tls.caFile())));
        }
        if (!tls.certFile().isEmpty()) {
            builder.keyManager(SslOptions.Resource.from(new File(tls.certFile())),
                    SslOptions.Resource.from(new File(tls.keyFile())),
                    tls.keyPassword().isEmpty() ? null : tls.keyPassword().toCharArray());
        }
        return Optional.of(builder.build());
    }

    /**
     * Reads the files once: the CA and certificate files must hold PEM certificates, the key file must be readable.
     *
     * @throws ClusterException naming the file and what is wrong with it
     */
    static void check(RedisBackendSettings.Tls tls) {
        if (!tls.caFile().isEmpty()) {
            certificates("CA file (tls ca_file)", tls.caFile());
        }
        if (!tls.certFile().isEmpty()) {
            certificates("client certificate (tls cert_file)", tls.certFile());
            if (!Files.isReadable(Path.of(tls.keyFile()))) {
                throw new ClusterException("the Redis client key (tls key_file) " + tls.keyFile()
                        + " cannot be read: check the path and that this user may read it");
            }
        }
    }

    private static void certificates(String what, String file) {
        int count;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            count = CertificateFactory.getInstance("X.509").generateCertificates(in).size();
        } catch (NoSuchFileException e) {
            throw new ClusterException("the Redis " + what + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ClusterException("the Redis " + what + " " + file + " cannot be read (" + e
                    + "): check the path and that this user may read it", e);
        } catch (CertificateException e) {
            throw new ClusterException("the Redis " + what + " " + file + " is not a PEM certificate file: "
                    + e.getMessage(), e);
        }
        if (count == 0) {
            throw new ClusterException("the Redis " + what + " " + file + " holds no certificate (expected PEM blocks"
                    + " -----BEGIN CERTIFICATE-----)");
        }
    }
}
