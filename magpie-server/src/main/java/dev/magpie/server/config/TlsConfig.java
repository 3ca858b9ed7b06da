package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.magpie.TlsSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@code tls:} section of a {@code tls} or {@code wss} listener. File names are kept as written ({@code ""}
 * for none) and resolved against the config file's directory by {@link ConfigLoader#load}, like the
 * {@code security} files. Construction builds the {@link TlsSettings} so that every value the broker would
 * refuse is a config error naming its key.
 *
 * @param certFile            PEM certificate chain (with {@code keyFile}); or use {@code pkcs12File}
 * @param keyFile             PEM PKCS#8 private key
 * @param keyPassword         password of an encrypted {@code keyFile}, {@code ""} for none
 * @param pkcs12File          a PKCS#12 store with key and chain, instead of {@code certFile} + {@code keyFile}
 * @param pkcs12Password      its password
 * @param clientAuth          whether clients must present certificates
 * @param clientCaFile        PEM CA bundle client certificates are checked against
 * @param crlFile             PEM certificate revocation list, {@code ""} for none
 * @param certificateIdentity whether the client certificate names the user
 * @param protocols           enabled TLS versions
 * @param ciphers             cipher suites, empty for the provider's defaults
 * @param handshakeTimeout    how long a handshake may take
 */
public record TlsConfig(String certFile, String keyFile, String keyPassword, String pkcs12File, String pkcs12Password,
                        ClientAuth clientAuth, String clientCaFile, String crlFile,
                        CertificateIdentity certificateIdentity, List<String> protocols, List<String> ciphers,
                        Duration handshakeTimeout) {

    /** {@code client_auth}. */
    public enum ClientAuth {
        NONE, OPTIONAL, REQUIRE;

        @JsonCreator
        static ClientAuth parse(String text) {
            return YamlEnums.parse(ClientAuth.class, "client_auth", text);
        }

        @com.fasterxml.jackson.annotation.JsonValue
        String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code certificate_identity}. */
    public enum CertificateIdentity {
        NONE, CN, SUBJECT;

        @JsonCreator
        static CertificateIdentity parse(String text) {
            return YamlEnums.parse(CertificateIdentity.class, "certificate_identity", text);
        }

        @com.fasterxml.jackson.annotation.JsonValue
        String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public TlsConfig {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(keyPassword, "keyPassword");
        Objects.requireNonNull(pkcs12File, "pkcs12File");
        Objects.requireNonNull(pkcs12Password, "pkcs12Password");
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(clientCaFile, "clientCaFile");
        Objects.requireNonNull(crlFile, "crlFile");
        Objects.requireNonNull(certificateIdentity, "certificateIdentity");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
        build(certFile, keyFile, keyPassword, pkcs12File, pkcs12Password, clientAuth, clientCaFile, crlFile,
                certificateIdentity, protocols, ciphers, handshakeTimeout);
    }

    @JsonCreator
    static TlsConfig fromYaml(@JsonProperty("cert_file") String certFile,
                              @JsonProperty("key_file") String keyFile,
                              @JsonProperty("key_password") String keyPassword,
                              @JsonProperty("pkcs12_file") String pkcs12File,
                              @JsonProperty("pkcs12_password") String pkcs12Password,
                              @JsonProperty("client_auth") ClientAuth clientAuth,
                              @JsonProperty("client_ca_file") String clientCaFile,
                              @JsonProperty("crl_file") String crlFile,
                              @JsonProperty("certificate_identity") CertificateIdentity certificateIdentity,
                              @JsonProperty("protocols") List<String> protocols,
                              @JsonProperty("ciphers") List<String> ciphers,
                              @JsonProperty("handshake_timeout") Duration handshakeTimeout) {
        return new TlsConfig(
                certFile != null ? certFile.strip() : "",
                keyFile != null ? keyFile.strip() : "",
                keyPassword != null ? keyPassword : "",
                pkcs12File != null ? pkcs12File.strip() : "",
                pkcs12Password != null ? pkcs12Password : "",
                clientAuth != null ? clientAuth : ClientAuth.NONE,
                clientCaFile != null ? clientCaFile.strip() : "",
                crlFile != null ? crlFile.strip() : "",
                certificateIdentity != null ? certificateIdentity : CertificateIdentity.NONE,
                protocols != null ? protocols : DEFAULT_PROTOCOLS,
                ciphers != null ? ciphers : List.of(),
                handshakeTimeout != null ? handshakeTimeout : DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** PEM files for {@code cert_file} and {@code key_file}, everything else at its default. */
    public static TlsConfig pem(String certFile, String keyFile) {
        return fromYaml(certFile, keyFile, null, null, null, null, null, null, null, null, null, null);
    }

    /** The broker API's view of this section. */
    public TlsSettings toSettings() {
        return build(certFile, keyFile, keyPassword, pkcs12File, pkcs12Password, clientAuth, clientCaFile, crlFile,
                certificateIdentity, protocols, ciphers, handshakeTimeout);
    }

    /** This section with relative file names resolved against {@code directory} (the config file's). */
    public TlsConfig resolvedAgainst(Path directory) {
        return new TlsConfig(SecurityConfig.resolve(directory, certFile), SecurityConfig.resolve(directory, keyFile),
                keyPassword, SecurityConfig.resolve(directory, pkcs12File), pkcs12Password, clientAuth,
                SecurityConfig.resolve(directory, clientCaFile), SecurityConfig.resolve(directory, crlFile),
                certificateIdentity, protocols, ciphers, handshakeTimeout);
    }

    private static TlsSettings build(String certFile, String keyFile, String keyPassword, String pkcs12File,
                                     String pkcs12Password, ClientAuth clientAuth, String clientCaFile, String crlFile,
                                     CertificateIdentity certificateIdentity, List<String> protocols,
                                     List<String> ciphers, Duration handshakeTimeout) {
        TlsSettings settings;
        if (!pkcs12File.isEmpty()) {
            if (!certFile.isEmpty() || !keyFile.isEmpty()) {
                throw new IllegalArgumentException("pkcs12_file replaces cert_file and key_file: give one or the other");
            }
            settings = TlsSettings.pkcs12(Path.of(pkcs12File), pkcs12Password);
        } else {
            if (certFile.isEmpty()) {
                throw new IllegalArgumentException("cert_file is required (a PEM certificate chain), or give pkcs12_file");
            }
            if (keyFile.isEmpty()) {
                throw new IllegalArgumentException("key_file is required (a PEM PKCS#8 private key) with cert_file");
            }
            settings = TlsSettings.pem(Path.of(certFile), Path.of(keyFile), keyPassword);
        }
        TlsSettings s0 = settings;
        settings = step("protocols", () -> s0.withProtocols(protocols.toArray(String[]::new)));
        TlsSettings s1 = settings;
        settings = step("ciphers", () -> s1.withCiphers(ciphers));
        if (clientAuth != ClientAuth.NONE) {
            if (clientCaFile.isEmpty()) {
                throw new IllegalArgumentException("client_ca_file is required with client_auth: "
                        + clientAuth.yamlName() + " (the PEM CA bundle client certificates are checked against)");
            }
            TlsSettings s2 = settings;
            settings = step("client_auth", () -> s2.withClientAuth(TlsSettings.ClientAuth.valueOf(clientAuth.name()),
                    Path.of(clientCaFile)));
        }
        if (!crlFile.isEmpty()) {
            TlsSettings s3 = settings;
            settings = step("crl_file", () -> s3.withRevocationList(Path.of(crlFile)));
        }
        TlsSettings s4 = settings;
        settings = step("handshake_timeout", () -> s4.withHandshakeTimeout(handshakeTimeout));
        TlsSettings s5 = settings;
        return step("certificate_identity", () -> s5.withCertificateIdentity(
                TlsSettings.CertificateIdentity.valueOf(certificateIdentity.name())));
    }

    /** Runs one change of the settings; a refusal becomes an error that starts with the key it is about. */
    static <T> T step(String key, Supplier<T> change) {
        try {
            return change.get();
        } catch (IllegalArgumentException e) {
            String message = ConfigKeys.inYamlTerms(e).getMessage();
            throw new IllegalArgumentException(message.startsWith(key + " ") ? message
                    : key + " is invalid: " + message, e);
        }
    }
}
