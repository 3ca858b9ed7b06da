package dev.magpie.transport;

import dev.magpie.BrokerException;
import dev.magpie.TlsSettings;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CertSelector;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The TLS context of one listener, rebuilt when its files change. A new connection takes whatever context is
 * current when it is accepted; a connection already open keeps the engine it was given, so a certificate
 * swap never drops a client.
 *
 * <p>OpenSSL (BoringSSL from {@code netty-tcnative}) is used where it loads, for speed and modern ciphers;
 * the JDK's provider otherwise. Which one is logged once per process.
 *
 * <p>Reloading polls the files' modification times and sizes on an event loop's scheduler: cheap, portable
 * (a WatchService misses changes on some mounted volumes and through symlink swaps, as Kubernetes secrets
 * are updated) and it needs no thread of its own. A change that does not build (say, the certificate was
 * written but not yet its key) is logged in one line and the previous context stays in force; the next
 * change is tried again.
 */
final class ServerTlsContext {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTlsContext.class);
    private static final AtomicBoolean PROVIDER_LOGGED = new AtomicBoolean();

    private final String listenerName;
    private final TlsSettings settings;
    private volatile SslContext context;
    private List<String> stamp;
    private ScheduledFuture<?> watch;

    private ServerTlsContext(String listenerName, TlsSettings settings) {
        this.listenerName = listenerName;
        this.settings = settings;
    }

    /**
     * Builds the context from the files now.
     *
     * @throws BrokerException if a file is missing or unreadable, or the key does not match
     */
    static ServerTlsContext load(String listenerName, TlsSettings settings) {
        ServerTlsContext tls = new ServerTlsContext(listenerName, settings);
        tls.stamp = tls.stamp();
        try {
            tls.context = build(settings);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new BrokerException("listener " + listenerName + ": cannot load TLS key material " + settings.keyMaterial()
                    + ": " + reason(e) + " (check the file paths, the key password and that the key matches the certificate)", e);
        }
        return tls;
    }

    /** The provider this JVM uses for TLS listeners. */
    static SslProvider provider() {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        if (PROVIDER_LOGGED.compareAndSet(false, true)) {
            if (provider == SslProvider.OPENSSL) {
                LOG.info("TLS provider: OpenSSL ({})", OpenSsl.versionString());
            } else {
                LOG.info("TLS provider: JDK (OpenSSL unavailable: {})", String.valueOf(OpenSsl.unavailabilityCause()));
            }
        }
        return provider;
    }

    /** A handler for a new connection, with the current certificate and the configured handshake timeout. */
    SslHandler newHandler(ByteBufAllocator allocator) {
        SslHandler handler = context.newHandler(allocator);
        handler.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
        return handler;
    }

    TlsSettings settings() {
        return settings;
    }

    /** Starts polling the files every {@link TlsSettings#reloadInterval()} (nothing when it is zero). */
    synchronized void watch(EventExecutor executor) {
        long millis = settings.reloadInterval().toMillis();
        if (millis > 0 && watch == null) {
            watch = executor.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    synchronized void stopWatching() {
        if (watch != null) {
            watch.cancel(false);
            watch = null;
        }
    }

    /** Rebuilds the context if a watched file changed since the last look. */
    void reloadIfChanged() {
        List<String> now = stamp();
        if (now.equals(stamp)) {
            return;
        }
        stamp = now;
        try {
            context = build(settings);
            LOG.info("listener {}: TLS certificate reloaded from {}; new connections use it", listenerName, settings.keyMaterial());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.warn("listener {}: TLS files changed but cannot be loaded, keeping the previous certificate: {}", listenerName, reason(e));
        }
    }

    private List<String> stamp() {
        List<Path> files = new ArrayList<>(settings.keyMaterial().files());
        settings.trustedCertificates().ifPresent(files::add);
        settings.revocationList().ifPresent(files::add);
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.add(f + "@" + Files.getLastModifiedTime(f).toMillis() + "/" + Files.size(f));
            } catch (IOException e) {
                out.add(f + "@missing");
            }
        }
        return out;
    }

    private static SslContext build(TlsSettings settings) throws IOException, GeneralSecurityException {
        SslContextBuilder builder;
        if (settings.keyMaterial() instanceof TlsSettings.Pem pem) {
            try (InputStream chain = Files.newInputStream(pem.certificateChain()); InputStream key = Files.newInputStream(pem.privateKey())) {
                builder = SslContextBuilder.forServer(chain, key, pem.password().isEmpty() ? null : pem.password());
            }
        } else {
            TlsSettings.Pkcs12 p12 = (TlsSettings.Pkcs12) settings.keyMaterial();
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12.file())) {
                store.load(in, p12.password().toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, p12.password().toCharArray());
            builder = SslContextBuilder.forServer(kmf);
        }
        builder.sslProvider(provider())
                .protocols(settings.protocols())
                .ciphers(settings.ciphers().isEmpty() ? null : settings.ciphers(), SupportedCipherSuiteFilter.INSTANCE)
                .clientAuth(switch (settings.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case OPTIONAL -> ClientAuth.OPTIONAL;
                    case REQUIRE -> ClientAuth.REQUIRE;
                });
        if (settings.trustedCertificates().isPresent()) {
            builder.trustManager(trustManagers(settings.trustedCertificates().get(), settings.revocationList().orElse(null)));
        }
        return builder.build();
    }

    /** Client certificates are checked against the CA bundle and, if given, a CRL (end entity only, no network). */
    private static TrustManagerFactory trustManagers(Path caBundle, Path crlFile) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(caBundle)) {
            for (var cert : factory.generateCertificates(in)) {
                anchors.setCertificateEntry("ca-" + i++, cert);
            }
        }
        if (i == 0) {
            throw new GeneralSecurityException("no certificate in CA bundle " + caBundle);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        if (crlFile == null) {
            tmf.init(anchors);
            return tmf;
        }
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, new X509CertSelector());
        try (InputStream in = Files.newInputStream(crlFile)) {
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(factory.generateCRLs(in))));
        }
        PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
        checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK,
                PKIXRevocationChecker.Option.ONLY_END_ENTITY));
        params.addCertPathChecker(checker);
        params.setRevocationEnabled(true);
        tmf.init(new CertPathTrustManagerParameters(params));
        return tmf;
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

}
