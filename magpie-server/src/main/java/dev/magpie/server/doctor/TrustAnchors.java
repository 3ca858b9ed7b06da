package dev.magpie.server.doctor;

import dev.magpie.server.certs.Pem;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificates a server's chain must lead to: the JVM's default roots (close to what a phone trusts: public
 * CAs only), or the certificates of a {@code --ca} file (a private CA, for staging and the developer tools).
 */
public final class TrustAnchors {

    private final List<X509Certificate> certificates;
    private final String source;
    private final boolean custom;

    private TrustAnchors(List<X509Certificate> certificates, String source, boolean custom) {
        this.certificates = List.copyOf(certificates);
        this.source = source;
        this.custom = custom;
    }

    /** The JVM's default trusted roots (its {@code cacerts}). */
    public static TrustAnchors system() {
        List<X509Certificate> roots = new ArrayList<>();
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    roots.addAll(List.of(x509.getAcceptedIssuers()));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot load its trusted roots: " + e.getMessage(), e);
        }
        return new TrustAnchors(roots, "the system's trusted roots", false);
    }

    /**
     * The certificates in the PEM file {@code caFile}.
     *
     * @throws IOException if the file cannot be read
     * @throws dev.magpie.server.certs.CertsException if it holds no PEM certificate
     */
    public static TrustAnchors fromFile(Path caFile) throws IOException {
        return new TrustAnchors(Pem.readCertificates(caFile), caFile.toString(), true);
    }

    List<X509Certificate> certificates() {
        return certificates;
    }

    /** "the system's trusted roots" or the --ca file's name, for messages. */
    String source() {
        return source;
    }

    /** True for a {@code --ca} file, which a phone does not have. */
    boolean custom() {
        return custom;
    }
}
