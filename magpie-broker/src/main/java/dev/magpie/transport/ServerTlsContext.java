package dev.magpie.transport;

import dev.magpie.BrokerException;
import dev.magpie.TlsSettings;
import dev.magpie.security.SettledFiles;
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
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import java.util.Optional;
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
 * <p>Reloading polls the files on an event loop's scheduler: cheap, portable (a WatchService misses changes on
 * some mounted volumes and through symlink swaps, as Kubernetes secrets are updated) and it needs no thread of
 * its own. A change is considered only once it has settled ({@link SettledFiles}: unchanged over two polls),
 * and is swapped in only if it builds and its key belongs to its certificate ({@link ServerKeyMaterial}). A
 * change that does not (the certificate renamed into place, its key not yet; a half-written PEM) is logged in
 * one line and the previous context stays in force until a complete, matching pair has settled.
 */
final class ServerTlsContext {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTlsContext.class);
    private static final AtomicBoolean PROVIDER_LOGGED = new AtomicBoolean();

    private final String listenerName;
    private final TlsSettings settings;
    private final SettledFiles files;
    private volatile SslContext context;
    private ScheduledFuture<?> watch;

    private ServerTlsContext(String listenerName, TlsSettings settings) {
        this.listenerName = listenerName;
        this.settings = settings;
        this.files = SettledFiles.readNow(watchedFiles(settings));
    }

    /**
     * Builds the context from the files now.
     *
     * @throws BrokerException if a file is missing or unreadable, or the key does not match the certificate
     */
    static ServerTlsContext load(String listenerName, TlsSettings settings) {
        ServerTlsContext tls = new ServerTlsContext(listenerName, settings);
        try {
            tls.context = build(settings, tls.files.initial(), provider());
        } catch (BrokerException e) {
            throw new BrokerException("listener " + listenerName + ": cannot load TLS key material " + settings.keyMaterial()
                    + ": " + e.getMessage(), e);
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

    /** Rebuilds the context if the watched files changed and have settled since the last look. */
    void reloadIfChanged() {
        Optional<SettledFiles.Snapshot> change = files.poll();
        if (change.isEmpty()) {
            return;
        }
        Optional<SettledFiles.FileState> unreadable = change.get().unreadable();
        if (unreadable.isPresent()) {
            LOG.warn("listener {}: TLS file {} {}; keeping the previous certificate until it is back", listenerName,
                    unreadable.get().path(), unreadable.get().problem());
            return;
        }
        try {
            context = build(settings, change.get(), provider());
            LOG.info("listener {}: TLS certificate reloaded from {}; new connections use it", listenerName, settings.keyMaterial());
        } catch (BrokerException e) {
            LOG.warn("listener {}: TLS files changed but are not used, keeping the previous certificate: {}", listenerName, e.getMessage());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.warn("listener {}: TLS files changed but cannot be loaded, keeping the previous certificate: {}", listenerName, reason(e));
        }
    }

    /** Key material first (as {@link TlsSettings.KeyMaterial#files()}), then the CA bundle and the CRL if set. */
    static List<Path> watchedFiles(TlsSettings settings) {
        List<Path> files = new ArrayList<>(settings.keyMaterial().files());
        settings.trustedCertificates().ifPresent(files::add);
        settings.revocationList().ifPresent(files::add);
        return files;
    }

    /** The context for {@code settings} from the files' bytes in {@code snapshot}, with {@code provider} (tests pick one). */
    static SslContext build(TlsSettings settings, SettledFiles.Snapshot snapshot, SslProvider provider)
            throws IOException, GeneralSecurityException {
        Optional<SettledFiles.FileState> unreadable = snapshot.unreadable();
        if (unreadable.isPresent()) {
            throw new BrokerException(unreadable.get().path() + " " + unreadable.get().problem());
        }
        int keyFiles = settings.keyMaterial().files().size();
        List<byte[]> keyContents = new ArrayList<>();
        for (int i = 0; i < keyFiles; i++) {
            keyContents.add(snapshot.content(i));
        }
        SslContextBuilder builder = ServerKeyMaterial.parse(settings.keyMaterial(), keyContents).builder();
        List<String> ciphers = CipherSuites.effective(settings.ciphers(), settings.protocols());
        builder.sslProvider(provider)
                .protocols(settings.protocols())
                .ciphers(ciphers.isEmpty() ? null : ciphers, SupportedCipherSuiteFilter.INSTANCE)
                .clientAuth(switch (settings.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case OPTIONAL -> ClientAuth.OPTIONAL;
                    case REQUIRE -> ClientAuth.REQUIRE;
                });
        if (settings.trustedCertificates().isPresent()) {
            int next = keyFiles;
            byte[] caBundle = snapshot.content(next++);
            byte[] crl = settings.revocationList().isPresent() ? snapshot.content(next) : null;
            builder.trustManager(trustManagers(settings.trustedCertificates().get(), caBundle, crl));
        }
        return builder.build();
    }

    /** Client certificates are checked against the CA bundle and, if given, a CRL (end entity only, no network). */
    private static TrustManagerFactory trustManagers(Path caBundle, byte[] caBytes, byte[] crlBytes) throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            anchors.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot make an empty key store", e);
        }
        int i = 0;
        for (var cert : factory.generateCertificates(new ByteArrayInputStream(caBytes))) {
            anchors.setCertificateEntry("ca-" + i++, cert);
        }
        if (i == 0) {
            throw new GeneralSecurityException("no certificate in CA bundle " + caBundle);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        if (crlBytes == null) {
            tmf.init(anchors);
            return tmf;
        }
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, new X509CertSelector());
        params.addCertStore(CertStore.getInstance("Collection",
                new CollectionCertStoreParameters(factory.generateCRLs(new ByteArrayInputStream(crlBytes)))));
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
