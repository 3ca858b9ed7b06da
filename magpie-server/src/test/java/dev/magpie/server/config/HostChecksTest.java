package dev.magpie.server.config;

import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.CertifiedKey;
import dev.magpie.server.certs.KeySpec;
import dev.magpie.server.certs.KeyType;
import dev.magpie.server.certs.Pem;
import dev.magpie.server.certs.ServerNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 10: what only this host can tell fails closed at start with the key's file:line (a mismatched TLS key
 * was accepted and every handshake failed; a missing static_dir was silent; a bad bind address exited with
 * "null"), and the cipher list is validated where it is written.
 */
class HostChecksTest {
    @TempDir
    static Path dir;
    static Path cert;
    static Path key;
    static Path otherKey;

    private final ConfigLoader loader = new ConfigLoader(Map.of());

    @BeforeAll
    static void makeCertificates() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Host Checks CA", new KeySpec(KeyType.RSA, 2048), 2);
        ServerNames names = ServerNames.of(List.of("localhost"), List.of("127.0.0.1"));
        CertifiedKey server = ca.issueServer(names, new KeySpec(KeyType.RSA, 2048), 2);
        CertifiedKey other = ca.issueServer(names, new KeySpec(KeyType.RSA, 2048), 2);
        cert = Files.writeString(dir.resolve("server.crt"), Pem.certificate(server.certificate()));
        key = Files.writeString(dir.resolve("server.key"), Pem.privateKey(server.privateKey()));
        otherKey = Files.writeString(dir.resolve("other.key"), Pem.privateKey(other.privateKey()));
    }

    private void check(String name, String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve(name), yaml);
        loader.checkOnThisHost(loader.load(file), file);
    }

    private static String tlsListener(Path keyFile) {
        return "listeners:\n  - name: secure\n    type: tls\n    bind: 127.0.0.1\n    tls:\n"
                + "      cert_file: server.crt\n      key_file: " + keyFile.getFileName() + "\n";
    }

    @Test
    void aMatchingPairAndGoodAddressesPass() throws Exception {
        check("good.yaml", tlsListener(key) + "  - name: local\n    bind: localhost\n    port: 0\n");
    }

    @Test
    void aKeyOfAnotherCertificateIsAConfigErrorAtKeyFile() {
        Path file = dir.resolve("mismatch.yaml");
        assertThatThrownBy(() -> check("mismatch.yaml", tlsListener(otherKey)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config error in " + file + " at line 7, column 7: listeners[0].tls.key_file: private key "
                        + otherKey + " does not belong to certificate " + cert)
                .hasMessageContaining("RSA modulus");
    }

    @Test
    void aMissingOrHalfWrittenCertificateIsAConfigErrorAtCertFile() throws Exception {
        assertThatThrownBy(() -> check("nocert.yaml", tlsListener(key).replace("server.crt", "missing.crt")))
                .hasMessageContaining("at line 6, column 7: listeners[0].tls.cert_file: cannot read " + dir.resolve("missing.crt"))
                .hasMessageContaining("does not exist");
        String whole = Files.readString(cert);
        Files.writeString(dir.resolve("half.crt"), whole.substring(0, whole.length() / 2));
        assertThatThrownBy(() -> check("halfcert.yaml", tlsListener(key).replace("server.crt", "half.crt")))
                .hasMessageContaining("at line 6, column 7: listeners[0].tls.cert_file: certificate chain " + dir.resolve("half.crt"));
    }

    @Test
    void aMissingStaticDirIsAConfigErrorAtItsKey() {
        String yaml = "listeners:\n  - type: ws\n    bind: 127.0.0.1\n    websocket:\n      static_dir: www\n";
        assertThatThrownBy(() -> check("static.yaml", yaml))
                .hasMessage("config error in " + dir.resolve("static.yaml") + " at line 5, column 7: listeners[0].websocket.static_dir "
                        + dir.resolve("www") + " does not exist; create it, correct the path (relative paths start at the config"
                        + " file's folder) or remove the key");
    }

    @Test
    void aBindAddressThatIsNotThisHostsIsAConfigErrorAtBind() {
        assertThatThrownBy(() -> check("bind.yaml", "listeners:\n  - name: a\n    port: 0\n    bind: no-such-host.invalid\n"))
                .hasMessageStartingWith("config error in " + dir.resolve("bind.yaml") + " at line 4, column 5: listeners[0].bind"
                        + " 'no-such-host.invalid' is not an IP address and does not resolve to one; use an address of this host")
                .hasMessageNotContaining("null");
        assertThatThrownBy(() -> check("bind2.yaml", "listeners:\n  - name: a\n    port: 0\n    bind: 203.0.113.7\n"))
                .hasMessageContaining("at line 4, column 5: listeners[0].bind '203.0.113.7' (203.0.113.7) is not an address of this host");
    }

    @Test
    void weakOrUnknownCiphersAreRefusedAtTheirKey() {
        String base = "listeners:\n  - type: tls\n    tls:\n      cert_file: /c.crt\n      key_file: /c.key\n";
        assertThatThrownBy(() -> loader.parse(base + "      ciphers: [TLS_RSA_WITH_RC4_128_SHA]\n", "magpie.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("magpie.yaml at line 6, column 7")
                .hasMessageContaining("listeners[0].tls.ciphers must not include TLS_RSA_WITH_RC4_128_SHA: it is weak: RC4");
        assertThatThrownBy(() -> loader.parse(base + "      ciphers: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265]\n", "magpie.yaml"))
                .hasMessageContaining("line 6, column 7")
                .hasMessageContaining("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265: it is not a cipher suite");
        assertThatThrownBy(() -> loader.parse(base + "      ciphers: [TLS_DH_anon_WITH_AES_128_GCM_SHA256]\n", "magpie.yaml"))
                .hasMessageContaining("anonymous");
        assertThat(loader.parse(base + "      ciphers: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n", "magpie.yaml")
                .listeners().get(0).tls().ciphers()).containsExactly("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }
}
