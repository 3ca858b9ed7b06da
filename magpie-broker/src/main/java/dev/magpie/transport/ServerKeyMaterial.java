package dev.magpie.transport;

import dev.magpie.BrokerException;
import dev.magpie.TlsSettings;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.KeyManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A server's private key and certificate chain, parsed from the bytes of their files and checked to belong
 * together ({@link KeyPairMatch}) before a TLS context is built from them. Parsing bytes rather than paths lets
 * a reload check exactly the content it has seen settle ({@code dev.magpie.security.SettledFiles}).
 *
 * <p>PEM files are read with Netty's own readers (the ones {@code SslContextBuilder.forServer(File, File)}
 * uses), so the broker accepts exactly what it did before, and no more.
 *
 * <pre>{@code
 * ServerKeyMaterial.check(TlsSettings.pem(Path.of("server.crt"), Path.of("server.key")).keyMaterial());
 * }</pre>
 */
public final class ServerKeyMaterial {

    private final PrivateKey pemKey;
    private final X509Certificate[] pemChain;
    private final KeyManagerFactory keyManagers;

    private ServerKeyMaterial(PrivateKey pemKey, X509Certificate[] pemChain, KeyManagerFactory keyManagers) {
        this.pemKey = pemKey;
        this.pemChain = pemChain;
        this.keyManagers = keyManagers;
    }

    /**
     * Reads {@code material}'s files now and checks them.
     *
     * @throws BrokerException naming the files if one cannot be read or parsed, or the key does not belong to
     *                         the certificate
     */
    public static void check(TlsSettings.KeyMaterial material) {
        List<byte[]> contents = new ArrayList<>();
        for (Path file : material.files()) {
            try {
                contents.add(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new BrokerException("cannot read " + file + ": " + (Files.exists(file) ? e.getMessage() : "it does not exist"), e);
            }
        }
        parse(material, contents);
    }

    /**
     * Parses and checks {@code contents}, the bytes of {@code material.files()} in that order.
     *
     * @throws BrokerException with one line that names the file and what is wrong with it
     */
    static ServerKeyMaterial parse(TlsSettings.KeyMaterial material, List<byte[]> contents) {
        if (material instanceof TlsSettings.Pem pem) {
            return parsePem(pem, contents.get(0), contents.get(1));
        }
        return parsePkcs12((TlsSettings.Pkcs12) material, contents.get(0));
    }

    /** A server context builder over this key and chain. */
    SslContextBuilder builder() {
        return keyManagers != null ? SslContextBuilder.forServer(keyManagers) : SslContextBuilder.forServer(pemKey, pemChain);
    }

    private static ServerKeyMaterial parsePem(TlsSettings.Pem pem, byte[] chainBytes, byte[] keyBytes) {
        X509Certificate[] chain;
        try {
            chain = NettyPem.certificates(chainBytes);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new BrokerException("certificate chain " + pem.certificateChain() + " is not a PEM certificate chain: " + reason(e), e);
        }
        if (chain.length == 0) {
            throw new BrokerException("certificate chain " + pem.certificateChain() + " holds no certificate");
        }
        PrivateKey key;
        try {
            key = NettyPem.privateKey(keyBytes, pem.password().isEmpty() ? null : pem.password());
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new BrokerException("private key " + pem.privateKey() + " cannot be read: " + reason(e)
                    + " (it must be a PEM PKCS#8 key; check the key password)", e);
        }
        Optional<String> mismatch = KeyPairMatch.mismatch(chain[0].getPublicKey(), key);
        if (mismatch.isPresent()) {
            throw new BrokerException("private key " + pem.privateKey() + " does not belong to certificate "
                    + pem.certificateChain() + " (" + chain[0].getSubjectX500Principal().getName() + "): " + mismatch.get()
                    + "; use the key the certificate was issued for");
        }
        return new ServerKeyMaterial(key, chain, null);
    }

    private static ServerKeyMaterial parsePkcs12(TlsSettings.Pkcs12 p12, byte[] bytes) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), p12.password().toCharArray());
            int keys = 0;
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, p12.password().toCharArray());
                Certificate[] chain = store.getCertificateChain(alias);
                if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0) {
                    continue;
                }
                keys++;
                Optional<String> mismatch = KeyPairMatch.mismatch(chain[0].getPublicKey(), privateKey);
                if (mismatch.isPresent()) {
                    throw new BrokerException("PKCS#12 file " + p12.file() + ": the key '" + alias
                            + "' does not belong to its certificate: " + mismatch.get());
                }
            }
            if (keys == 0) {
                throw new BrokerException("PKCS#12 file " + p12.file() + " holds no private key with a certificate");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, p12.password().toCharArray());
            return new ServerKeyMaterial(null, null, kmf);
        } catch (IOException | GeneralSecurityException e) {
            throw new BrokerException("PKCS#12 file " + p12.file() + " cannot be read: " + reason(e)
                    + " (check the password, and that the file is complete)", e);
        }
    }

    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** Reaches Netty's protected PEM readers; never instantiated. */
    private abstract static class NettyPem extends SslContext {
        static X509Certificate[] certificates(byte[] pem) throws GeneralSecurityException {
            return toX509Certificates(new ByteArrayInputStream(pem));
        }

        static PrivateKey privateKey(byte[] pem, String password) throws GeneralSecurityException, IOException {
            return toPrivateKey(new ByteArrayInputStream(pem), password);
        }
    }
}
