package dev.magpie;

import dev.magpie.transport.CipherSuites;
import dev.magpie.transport.ServerKeyMaterial;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a {@code tls} or {@code wss} listener proves who it is and, optionally, checks who its clients are.
 * Immutable: start from {@link #pem} or {@link #pkcs12} and change what you need with the {@code with…}
 * methods.
 *
 * <pre>{@code
 * TlsSettings tls = TlsSettings.pem(Path.of("server.crt"), Path.of("server.key"))
 *         .withClientAuth(TlsSettings.ClientAuth.REQUIRE, Path.of("ca.crt"))
 *         .withCertificateIdentity(TlsSettings.CertificateIdentity.CN);
 * Broker broker = Broker.builder().listener(Listener.tls("0.0.0.0", 8883, tls)).build().start();
 * }</pre>
 *
 * <p>Defaults: TLS 1.3 and 1.2 only (older versions cannot be enabled: they are broken), the provider's
 * cipher suites, no client certificates, a 10 s handshake timeout, the key files checked for changes every
 * 5 s (a changed certificate is used for new connections; open ones keep theirs). A changed pair is used
 * only once its files have stopped changing for one interval and the key belongs to the certificate.
 *
 * <p>Kept as a class rather than a record so that the optional parts (CA bundle, CRL) are
 * {@link Optional}-returning accessors and never {@code null}.
 */
public final class TlsSettings {

    /** Whether clients must present a certificate signed by the trusted CA bundle. */
    public enum ClientAuth {
        /** No certificate is asked for. */
        NONE,
        /** A certificate is asked for; a client without one may still connect, one with a bad one may not. */
        OPTIONAL,
        /** A valid certificate is required: without one the handshake fails. */
        REQUIRE
    }

    /**
     * Whether a client certificate names the client: when it does and the client sent no user name in
     * CONNECT, the name is taken from the certificate and treated as authenticated (the TLS layer verified it).
     */
    public enum CertificateIdentity {
        /** The certificate is passed to authenticators but names nobody. */
        NONE,
        /** The subject's common name (CN), e.g. {@code device-42}. */
        CN,
        /** The whole subject distinguished name in RFC 2253 form, e.g. {@code CN=device-42,O=Acme}. */
        SUBJECT
    }

    /** Where the server's certificate and key come from. */
    public sealed interface KeyMaterial permits Pem, Pkcs12 {
        /** The files whose change triggers a reload. */
        List<Path> files();
    }

    /**
     * A PEM certificate chain (leaf first) and a PEM PKCS#8 private key, encrypted with {@code password}
     * unless it is empty.
     */
    public record Pem(Path certificateChain, Path privateKey, String password) implements KeyMaterial {
        public Pem {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(password, "password (use \"\" for an unencrypted key)");
        }

        @Override
        public List<Path> files() {
            return List.of(certificateChain, privateKey);
        }

        @Override
        public String toString() {
            return "Pem[" + certificateChain + ", " + privateKey + (password.isEmpty() ? "" : ", encrypted") + "]";
        }
    }

    /** A PKCS#12 key store holding the key and its certificate chain. */
    public record Pkcs12(Path file, String password) implements KeyMaterial {
        public Pkcs12 {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public List<Path> files() {
            return List.of(file);
        }

        @Override
        public String toString() {
            return "Pkcs12[" + file + "]";
        }
    }

    /** The protocol versions that may be enabled. */
    public static final Set<String> SUPPORTED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    private final KeyMaterial keyMaterial;
    private final List<String> protocols;
    private final List<String> ciphers;
    private final ClientAuth clientAuth;
    private final Path trustedCertificates;
    private final Path revocationList;
    private final Duration handshakeTimeout;
    private final CertificateIdentity certificateIdentity;
    private final Duration reloadInterval;

    private TlsSettings(KeyMaterial keyMaterial, List<String> protocols, List<String> ciphers, ClientAuth clientAuth,
                        Path trustedCertificates, Path revocationList, Duration handshakeTimeout,
                        CertificateIdentity certificateIdentity, Duration reloadInterval) {
        this.keyMaterial = Objects.requireNonNull(keyMaterial, "keyMaterial");
        this.protocols = List.copyOf(protocols);
        this.ciphers = List.copyOf(ciphers);
        this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
        this.trustedCertificates = trustedCertificates;
        this.revocationList = revocationList;
        this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        this.certificateIdentity = Objects.requireNonNull(certificateIdentity, "certificateIdentity");
        this.reloadInterval = Objects.requireNonNull(reloadInterval, "reloadInterval");
        if (this.protocols.isEmpty() || !SUPPORTED_PROTOCOLS.containsAll(this.protocols)) {
            throw new IllegalArgumentException("TLS protocols must be among " + SUPPORTED_PROTOCOLS + ", was " + this.protocols);
        }
        if (clientAuth != ClientAuth.NONE && trustedCertificates == null) {
            throw new IllegalArgumentException("client authentication " + clientAuth + " needs a CA bundle to check client certificates against");
        }
        if (certificateIdentity != CertificateIdentity.NONE && clientAuth == ClientAuth.NONE) {
            throw new IllegalArgumentException("certificate identity " + certificateIdentity + " needs client authentication OPTIONAL or REQUIRE");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, was " + handshakeTimeout);
        }
        if (reloadInterval.isNegative()) {
            throw new IllegalArgumentException("reloadInterval must be >= 0 (0 turns reloading off), was " + reloadInterval);
        }
    }

    private static TlsSettings of(KeyMaterial keys) {
        return new TlsSettings(keys, List.of("TLSv1.3", "TLSv1.2"), List.of(), ClientAuth.NONE, null, null,
                Duration.ofSeconds(10), CertificateIdentity.NONE, Duration.ofSeconds(5));
    }

    /** A PEM certificate chain (leaf first, then intermediates) and an unencrypted PEM PKCS#8 key. */
    public static TlsSettings pem(Path certificateChain, Path privateKey) {
        return of(new Pem(certificateChain, privateKey, ""));
    }

    /** A PEM certificate chain and a PEM PKCS#8 key encrypted with {@code keyPassword}. */
    public static TlsSettings pem(Path certificateChain, Path privateKey, String keyPassword) {
        return of(new Pem(certificateChain, privateKey, keyPassword));
    }

    /** A PKCS#12 key store ({@code .p12} / {@code .pfx}) holding the key and its chain. */
    public static TlsSettings pkcs12(Path keyStore, String password) {
        return of(new Pkcs12(keyStore, password));
    }

    /** Enables exactly these protocol versions (a subset of {@link #SUPPORTED_PROTOCOLS}). */
    public TlsSettings withProtocols(String... newProtocols) {
        return new TlsSettings(keyMaterial, List.of(newProtocols), ciphers, clientAuth, trustedCertificates, revocationList,
                handshakeTimeout, certificateIdentity, reloadInterval);
    }

    /**
     * Cipher suites in order of preference; empty means the provider's defaults. Unknown names (typos) and
     * weak suites (RC4, NULL, EXPORT, anonymous, DES/3DES, MD5) are refused. The list is for TLS 1.2: when it
     * names no TLS 1.3 suite, TLS 1.3 keeps its standard suites (leave it out of {@link #withProtocols} to
     * turn it off).
     *
     * @throws IllegalArgumentException naming the first refused suite and why
     */
    public TlsSettings withCiphers(List<String> newCiphers) {
        for (String name : newCiphers) {
            CipherSuites.problem(name).ifPresent(problem -> {
                throw new IllegalArgumentException("ciphers must not include " + name + ": " + problem);
            });
        }
        return new TlsSettings(keyMaterial, protocols, newCiphers, clientAuth, trustedCertificates, revocationList,
                handshakeTimeout, certificateIdentity, reloadInterval);
    }

    /** Asks clients for certificates, checked against the PEM CA bundle {@code trustedCertificates}. */
    public TlsSettings withClientAuth(ClientAuth mode, Path trustedCertificates) {
        return new TlsSettings(keyMaterial, protocols, ciphers, mode, Objects.requireNonNull(trustedCertificates, "trustedCertificates"),
                revocationList, handshakeTimeout, certificateIdentity, reloadInterval);
    }

    /** A PEM certificate revocation list checked together with the CA bundle. */
    public TlsSettings withRevocationList(Path crl) {
        return new TlsSettings(keyMaterial, protocols, ciphers, clientAuth, trustedCertificates, Objects.requireNonNull(crl, "crl"),
                handshakeTimeout, certificateIdentity, reloadInterval);
    }

    public TlsSettings withHandshakeTimeout(Duration timeout) {
        return new TlsSettings(keyMaterial, protocols, ciphers, clientAuth, trustedCertificates, revocationList,
                timeout, certificateIdentity, reloadInterval);
    }

    public TlsSettings withCertificateIdentity(CertificateIdentity identity) {
        return new TlsSettings(keyMaterial, protocols, ciphers, clientAuth, trustedCertificates, revocationList,
                handshakeTimeout, identity, reloadInterval);
    }

    /** How often the key files are checked for changes; {@link Duration#ZERO} turns reloading off. */
    public TlsSettings withReloadInterval(Duration interval) {
        return new TlsSettings(keyMaterial, protocols, ciphers, clientAuth, trustedCertificates, revocationList,
                handshakeTimeout, certificateIdentity, interval);
    }

    public KeyMaterial keyMaterial() {
        return keyMaterial;
    }

    /**
     * Reads the key material now and checks that the private key belongs to the certificate (the broker does
     * the same when a listener starts and before it swaps in reloaded files); useful to refuse a bad pair before
     * anything is started.
     *
     * <pre>{@code
     * TlsSettings tls = TlsSettings.pem(Path.of("server.crt"), Path.of("server.key"));
     * tls.checkKeyMaterial(); // BrokerException: private key server.key does not belong to certificate server.crt ...
     * }</pre>
     *
     * @throws BrokerException naming the files, if one cannot be read or the key does not match
     */
    public void checkKeyMaterial() {
        ServerKeyMaterial.check(keyMaterial);
    }

    public List<String> protocols() {
        return protocols;
    }

    /** The configured cipher suites; empty means the provider's defaults. */
    public List<String> ciphers() {
        return ciphers;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The PEM CA bundle client certificates are checked against, when client authentication is on. */
    public Optional<Path> trustedCertificates() {
        return Optional.ofNullable(trustedCertificates);
    }

    public Optional<Path> revocationList() {
        return Optional.ofNullable(revocationList);
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public CertificateIdentity certificateIdentity() {
        return certificateIdentity;
    }

    public Duration reloadInterval() {
        return reloadInterval;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsSettings t && keyMaterial.equals(t.keyMaterial) && protocols.equals(t.protocols)
                && ciphers.equals(t.ciphers) && clientAuth == t.clientAuth && Objects.equals(trustedCertificates, t.trustedCertificates)
                && Objects.equals(revocationList, t.revocationList) && handshakeTimeout.equals(t.handshakeTimeout)
                && certificateIdentity == t.certificateIdentity && reloadInterval.equals(t.reloadInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyMaterial, protocols, ciphers, clientAuth, trustedCertificates, revocationList, handshakeTimeout,
                certificateIdentity, reloadInterval);
    }

    @Override
    public String toString() {
        return "TlsSettings[" + keyMaterial + ", protocols=" + protocols + ", ciphers=" + (ciphers.isEmpty() ? "default" : ciphers)
                + ", clientAuth=" + clientAuth + (trustedCertificates != null ? " against " + trustedCertificates : "")
                + (revocationList != null ? ", crl=" + revocationList : "") + ", handshakeTimeout=" + handshakeTimeout
                + ", certificateIdentity=" + certificateIdentity + ", reloadInterval=" + reloadInterval + "]";
    }
}
