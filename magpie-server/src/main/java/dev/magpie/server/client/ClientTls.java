package dev.magpie.server.client;

import dev.magpie.server.certs.CertsException;
import dev.magpie.server.certs.Pem;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The client's TLS settings, as mosquitto_pub spells them: the CAs to trust ({@code --cafile}, or the JVM's
 * roots), a client certificate for mutual TLS ({@code --cert}/{@code --key}) and whether the server's
 * certificate must name the host ({@code --insecure} turns that check off; the chain is still verified, so a
 * certificate from an unknown CA is refused either way).
 *
 * <pre>{@code
 * ClientTls tls = ClientTls.trusting(Path.of("certs/ca.crt"))
 *         .withClientCertificate(Path.of("certs/device.crt"), Path.of("certs/device.key"));
 * }</pre>
 */
public final class ClientTls {

    private final boolean enabled;
    private final Path caFile;
    private final Path certFile;
    private final Path keyFile;
    private final boolean verifyHostName;

    private ClientTls(boolean enabled, Path caFile, Path certFile, Path keyFile, boolean verifyHostName) {
        this.enabled = enabled;
        this.caFile = caFile;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.verifyHostName = verifyHostName;
    }

    /** No TLS: MQTT (or WebSocket) over plain TCP. */
    public static ClientTls off() {
        return new ClientTls(false, null, null, null, true);
    }

    /** TLS trusting the JVM's default roots (public CAs), as mosquitto's {@code --tls-use-os-certs}. */
    public static ClientTls trustingSystemRoots() {
        return new ClientTls(true, null, null, null, true);
    }

    /** TLS trusting only the CA certificate(s) in the PEM file {@code caFile}. */
    public static ClientTls trusting(Path caFile) {
        return new ClientTls(true, caFile, null, null, true);
    }

    /** The same, presenting this certificate (PEM, may hold the chain) and its unencrypted PEM key. */
    public ClientTls withClientCertificate(Path certificate, Path privateKey) {
        requireEnabled();
        return new ClientTls(true, caFile, certificate, privateKey, verifyHostName);
    }

    /** The same, without checking that the server's certificate names the host it was reached by. */
    public ClientTls withoutHostNameCheck() {
        requireEnabled();
        return new ClientTls(true, caFile, certFile, keyFile, false);
    }

    public boolean enabled() {
        return enabled;
    }

    public Optional<Path> caFile() {
        return Optional.ofNullable(caFile);
    }

    public boolean verifiesHostName() {
        return verifyHostName;
    }

    /**
     * Netty's client context for these settings; files are read now, so a bad one is reported before connecting.
     *
     * @throws IllegalArgumentException naming the file that cannot be read or holds no certificate/key
     */
    SslContext sslContext() {
        requireEnabled();
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    // the JDK's engine, not OpenSSL's even where netty-tcnative is present: its errors are the ones
                    // TlsFailures explains, and a command-line client has no need for OpenSSL's speed
                    .sslProvider(SslProvider.JDK)
                    // host name check as HTTPS does it (RFC 2818): DNS names and IP addresses in the SAN
                    .endpointIdentificationAlgorithm(verifyHostName ? "HTTPS" : null)
                    .protocols("TLSv1.3", "TLSv1.2");
            if (caFile != null) {
                builder.trustManager(Pem.readCertificates(caFile).toArray(X509Certificate[]::new));
            }
            if (certFile != null) {
                List<X509Certificate> chain = Pem.readCertificates(certFile);
                PrivateKey key = Pem.readPrivateKey(keyFile);
                builder.keyManager(key, chain.toArray(X509Certificate[]::new));
            }
            return builder.build();
        } catch (CertsException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + e.getMessage(), e);
        }
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new IllegalStateException("TLS is off");
        }
    }
}
