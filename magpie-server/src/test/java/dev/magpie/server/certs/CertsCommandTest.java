package dev.magpie.server.certs;

import dev.magpie.server.certs.Cli.Run;
import dev.magpie.server.certs.Openssl.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User story: "I need server.key/server.crt for an HTTPS/WSS server, and client certificates for mutual TLS,
 * without an openssl recipe." Each test runs {@code magpie certs} in-process into a fresh directory and lets
 * the real openssl judge the result.
 */
@Timeout(30)
class CertsCommandTest {

    @TempDir
    Path dir;

    private void caServerAndClient(String... serverArgs) {
        Cli.ok("ca", dir);
        Cli.ok("server", dir, serverArgs.length == 0 ? new String[]{"--dns", "localhost", "--ip", "127.0.0.1"}
                : serverArgs);
        Cli.ok("client", dir, "--name", "alice");
    }

    @Test
    void theServerAndClientCertificatesVerifyAgainstTheCa() {
        caServerAndClient();

        Result verify = Openssl.run(dir, "verify", "-CAfile", "ca.crt", "server.crt", "alice.crt");

        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("server.crt: OK").contains("alice.crt: OK");
        assertThat(Openssl.run(dir, "verify", "-CAfile", "ca.crt", "-purpose", "sslserver", "server.crt")
                .exitCode()).isZero();
        assertThat(Openssl.run(dir, "verify", "-CAfile", "ca.crt", "-purpose", "sslclient", "alice.crt")
                .exitCode()).isZero();
        // each leaf is for its role only
        assertThat(Openssl.run(dir, "verify", "-CAfile", "ca.crt", "-purpose", "sslclient", "server.crt")
                .exitCode()).isNotZero();
    }

    @Test
    void theCaIsAnEcP256RootThatSignsOnlyLeaves() {
        Run run = Cli.ok("ca", dir);

        String text = Openssl.text(dir, "ca.crt");
        assertThat(text)
                .contains("Issuer: CN = Magpie CA").contains("Subject: CN = Magpie CA")
                .contains("NIST CURVE: P-256").contains("ecdsa-with-SHA256")
                .containsPattern("Basic Constraints: critical\\s+CA:TRUE, pathlen:0")
                .containsPattern("Key Usage: critical\\s+Certificate Sign, CRL Sign")
                .contains("Subject Key Identifier").contains("Authority Key Identifier");
        assertThat(validityDays(text)).isBetween(3649L, 3651L);
        assertThat(run.out()).contains(dir.resolve("ca.crt").toString()).contains("SHA-256 fingerprint")
                .contains("listeners[].tls.client_ca_file").contains("certs server --out");
    }

    @Test
    void theServerCertificateCarriesItsNamesTheServerAuthUsageAndAnEcKey() {
        caServerAndClient("--dns", "localhost,mqtt.example.com", "--ip", "127.0.0.1", "--ip", "::1");

        String text = Openssl.text(dir, "server.crt");

        assertThat(text)
                .contains("Subject: CN = localhost").contains("Issuer: CN = Magpie CA")
                .contains("DNS:localhost, DNS:mqtt.example.com, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1")
                .contains("TLS Web Server Authentication").doesNotContain("TLS Web Client Authentication")
                .contains("NIST CURVE: P-256")
                .containsPattern("Basic Constraints: critical\\s+CA:FALSE")
                .containsPattern("Key Usage: critical\\s+Digital Signature\\n")
                .contains("Subject Key Identifier").contains("Authority Key Identifier");
        assertThat(validityDays(text)).isBetween(824L, 826L);
        assertThat(serialBits(dir, "server.crt")).isBetween(100, 128);
    }

    @Test
    void theClientCertificateIsNamedByNameWithTheClientAuthUsage() {
        caServerAndClient();

        String text = Openssl.text(dir, "alice.crt");

        assertThat(text).contains("Subject: CN = alice").contains("TLS Web Client Authentication")
                .doesNotContain("TLS Web Server Authentication").doesNotContain("Subject Alternative Name")
                .containsPattern("Basic Constraints: critical\\s+CA:FALSE");
    }

    @Test
    void rsaKeysOnRequestDefaultTo3072BitsAndMayEncipherAndAnRsaCaSigns() {
        Cli.ok("ca", dir, "--key-type", "rsa", "--key-size", "2048");
        Cli.ok("server", dir, "--dns", "localhost", "--key-type", "RSA");

        String ca = Openssl.text(dir, "ca.crt");
        String server = Openssl.text(dir, "server.crt");

        assertThat(ca).contains("Public-Key: (2048 bit)").contains("sha256WithRSAEncryption");
        assertThat(server).contains("Public-Key: (3072 bit)").contains("rsaEncryption")
                .containsPattern("Key Usage: critical\\s+Digital Signature, Key Encipherment");
        assertThat(Openssl.run(dir, "verify", "-CAfile", "ca.crt", "server.crt").exitCode()).isZero();
    }

    @Test
    void anEcCaSignsAnRsaLeafOfTheSizeAskedFor() {
        Cli.ok("ca", dir);
        Cli.ok("client", dir, "--name", "legacy-device", "--key-type", "rsa", "--key-size", "2048");

        assertThat(Openssl.text(dir, "legacy-device.crt")).contains("Public-Key: (2048 bit)")
                .contains("ecdsa-with-SHA256");
        assertThat(Openssl.run(dir, "verify", "-CAfile", "ca.crt", "legacy-device.crt").exitCode()).isZero();
    }

    @Test
    void keysArePkcs8AndOwnerOnlyCertificatesWorldReadable() throws IOException {
        caServerAndClient();

        for (String key : new String[]{"ca.key", "server.key", "alice.key"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
                    .as(key).isEqualTo("rw-------");
            assertThat(Files.readString(dir.resolve(key))).as(key).startsWith("-----BEGIN PRIVATE KEY-----\n");
            assertThat(Openssl.run(dir, "pkey", "-noout", "-in", key).exitCode()).as(key).isZero();
        }
        for (String certificate : new String[]{"ca.crt", "server.crt", "alice.crt"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(certificate))))
                    .as(certificate).isEqualTo("rw-r--r--");
        }
        // no temporary files left behind
        try (var files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder("ca.crt", "ca.key", "server.crt", "server.key", "alice.crt", "alice.key");
        }
    }

    @Test
    void nothingIsOverwrittenWithoutForce() throws IOException {
        Cli.ok("ca", dir);
        byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));
        byte[] key = Files.readAllBytes(dir.resolve("ca.key"));

        Run again = Cli.certs("ca", dir);

        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err().lines()).containsExactly(
                "magpie certs ca: " + dir.resolve("ca.crt") + " already exists; add --force to replace it");
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(ca);
        assertThat(Files.readAllBytes(dir.resolve("ca.key"))).isEqualTo(key);

        Run forced = Cli.certs("ca", dir, "--force");

        assertThat(forced.exitCode()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isNotEqualTo(ca);
        assertThat(forced.err()).contains("replaced the old CA");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aLeafIsNotOverwrittenWithoutForceEither() {
        caServerAndClient();

        Run server = Cli.certs("server", dir, "--dns", "localhost");
        Run client = Cli.certs("client", dir, "--name", "alice");

        assertThat(server.exitCode()).isEqualTo(2);
        assertThat(server.err()).contains(dir.resolve("server.crt") + " already exists; add --force");
        assertThat(client.exitCode()).isEqualTo(2);
        assertThat(client.err()).contains(dir.resolve("alice.crt") + " already exists; add --force");
        assertThat(Cli.certs("server", dir, "--dns", "localhost", "--force").exitCode()).isZero();
    }

    @Test
    void theServerCertificateVerifiesForItsOwnNamesOnly() {
        caServerAndClient("--dns", "localhost", "--ip", "127.0.0.1");

        assertThat(Openssl.run(dir, "verify", "-CAfile", "ca.crt", "-verify_hostname", "localhost", "server.crt")
                .exitCode()).isZero();
        assertThat(Openssl.run(dir, "verify", "-CAfile", "ca.crt", "-verify_ip", "127.0.0.1", "server.crt")
                .exitCode()).isZero();
        Result other = Openssl.run(dir, "verify", "-CAfile", "ca.crt", "-verify_hostname", "mqtt.example.com",
                "server.crt");
        assertThat(other.exitCode()).isNotZero();
        assertThat(other.output()).contains("hostname mismatch");
        assertThat(Openssl.run(dir, "verify", "-CAfile", "ca.crt", "-verify_ip", "192.0.2.1", "server.crt")
                .exitCode()).isNotZero();
    }

    @Test
    void aPkcs12BundleOpensWithOpenssl3DefaultsAndInJava() throws Exception {
        Cli.ok("ca", dir);
        Run run = Cli.ok("server", dir, "--dns", "localhost", "--p12", "--p12-password", "s3cret");

        Result info = Openssl.run(dir, "pkcs12", "-info", "-nokeys", "-passin", "pass:s3cret", "-in", "server.p12");

        assertThat(info.exitCode()).as(info.output()).isZero();
        assertThat(info.output())
                .contains("MAC: sha256")
                .contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC")
                .contains("PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC")
                .contains("subject=CN = localhost").contains("subject=CN = Magpie CA");
        assertThat(Openssl.run(dir, "pkcs12", "-info", "-nokeys", "-passin", "pass:wrong", "-in", "server.p12")
                .exitCode()).isNotZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("server.p12"))))
                .isEqualTo("rw-------");
        assertThat(run.out()).contains("server.p12");

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            store.load(in, "s3cret".toCharArray());
        }
        assertThat(store.getKey("server", "s3cret".toCharArray())).isInstanceOf(PrivateKey.class);
        assertThat(store.getCertificateChain("server")).hasSize(2);
    }

    @Test
    void theSummarySaysWhichFileGoesWhere() {
        Cli.ok("ca", dir);
        Run server = Cli.ok("server", dir, "--dns", "localhost", "--ip", "127.0.0.1");
        Run client = Cli.ok("client", dir, "--name", "alice");

        assertThat(server.out())
                .contains("server.crt + server.key")
                .contains("listeners[].tls.cert_file").contains("listeners[].tls.key_file")
                .contains("mosquitto_sub --cafile " + dir.resolve("ca.crt"))
                .contains("MQTT.js `ca:`")
                .contains("browsers/WeChat developer tools")
                .contains("DNS:localhost, IP:127.0.0.1");
        assertThat(client.out())
                .contains("alice.crt + alice.key")
                .contains("mosquitto_pub --cert " + dir.resolve("alice.crt") + " --key " + dir.resolve("alice.key"))
                .contains("listeners[].tls.client_ca_file");
        assertThat(server.err()).isEmpty();
        assertThat(client.err()).isEmpty();
    }

    @Test
    void aCaMadeWithOpensslCanSign() {
        // a traditional "BEGIN EC PRIVATE KEY" file and an openssl-made CA certificate
        assertThat(Openssl.run(dir, "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "ca.key")
                .exitCode()).isZero();
        Result req = Openssl.run(dir, "req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=OpenSSL CA",
                "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.crt");
        assertThat(req.exitCode()).as(req.output()).isZero();

        Cli.ok("server", dir, "--dns", "localhost");

        assertThat(Openssl.run(dir, "verify", "-CAfile", "ca.crt", "server.crt").exitCode()).isZero();
        // the CA ends in 30 days, so the certificate does too, and the user is told
        assertThat(validityDays(Openssl.text(dir, "server.crt"))).isBetween(29L, 31L);
    }

    @Test
    void theShortenedValidityIsReported() {
        Cli.ok("ca", dir, "--days", "10");

        Run run = Cli.ok("client", dir, "--name", "alice");

        assertThat(run.err()).contains("note: valid until").contains("when the CA expires");
    }

    @Test
    void aMissingCaIsAUsageErrorThatSaysHowToMakeOne() {
        Run run = Cli.certs("server", dir, "--dns", "localhost");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly("magpie certs server: " + dir.resolve("ca.crt")
                + " not found; create the CA first: bin/magpie certs ca --out " + dir);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aKeyThatIsNotTheCasIsRefused() throws IOException {
        Path other = Files.createDirectory(dir.resolve("other"));
        Cli.ok("ca", dir);
        Cli.ok("ca", other);
        Files.copy(other.resolve("ca.key"), dir.resolve("ca.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Run run = Cli.certs("client", dir, "--name", "alice");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly("magpie certs client: " + dir.resolve("ca.key")
                + " is not the private key of " + dir.resolve("ca.crt"));
    }

    @Test
    void anUnreadableCaIsAUsageError() throws IOException {
        Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");
        Files.writeString(dir.resolve("ca.key"), "not a key\n");

        Run run = Cli.certs("client", dir, "--name", "alice");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly("magpie certs client: " + dir.resolve("ca.crt")
                + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    @Test
    void badInputIsOneLineAndExitStatus2() throws IOException {
        Cli.ok("ca", dir);

        assertUsageError(Cli.certs("server", dir, "--ip", "300.1.1.1"),
                "magpie certs server: Invalid value for option '--ip' at index 0 (ADDR): '300.1.1.1' is not an IPv4"
                        + " or IPv6 address (see bin/magpie certs server --help)");
        assertUsageError(Cli.certs("server", dir, "--ip", "localhost"), "a host name is a DNS name");
        assertUsageError(Cli.certs("server", dir, "--dns", "127.0.0.1"), "is an IP address, not a DNS name");
        assertUsageError(Cli.certs("server", dir, "--dns", "bad_name"), "is not a valid DNS name");
        assertUsageError(Cli.certs("server", dir), "at least one DNS name or IP address");
        assertUsageError(Cli.certs("server", dir, "--dns", "localhost", "--key-size", "2048"),
                "EC keys are 256 (P-256) or 384 (P-384) bits, was 2048 (for RSA, choose key type rsa)");
        assertUsageError(Cli.certs("server", dir, "--dns", "localhost", "--key-type", "rsa", "--key-size", "1024"),
                "RSA keys are 2048, 3072 or 4096 bits, was 1024");
        assertUsageError(Cli.certs("server", dir, "--dns", "localhost", "--key-type", "dsa"),
                "key type must be ec or rsa, was 'dsa'");
        assertUsageError(Cli.certs("server", dir, "--dns", "localhost", "--days", "0"), "validity must be 1..");
        assertUsageError(Cli.certs("server", dir, "--dns", "localhost", "--p12"), "--p12 needs --p12-password");
        assertUsageError(Cli.certs("client", dir, "--name", "../alice"), "--name '../alice' must be");
        assertUsageError(Cli.certs("client", dir, "--name", "a/b"), "--name 'a/b' must be");
        assertUsageError(Cli.certs("client", dir, "--name", "ca"), "the CA's own file name");
        assertUsageError(Cli.certs("client", dir), "Missing required option: '--name=NAME'");
        assertUsageError(Cli.run("certs", "ca"), "Missing required option: '--out=DIR'");
        assertUsageError(Cli.run("certs", "ca", "--out", dir.toString(), "--force", "--days", "ten"),
                "Invalid value for option '--days'");
        try (var files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder("ca.crt", "ca.key");
        }
    }

    @Test
    void anIoFailureIsOneLineAndExitStatus1() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");

        Run run = Cli.certs("ca", file.resolve("certs"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(1).first().asString()
                .startsWith("magpie certs ca: ").contains(file.toString()).doesNotContain("Exception");
    }

    @Test
    void theApiReadsBackWhatTheCommandsWrote() throws IOException {
        caServerAndClient();

        CertificateAuthority ca = CertificateAuthority.load(dir.resolve("ca.crt"), dir.resolve("ca.key"));
        X509Certificate server = Pem.readCertificates(dir.resolve("server.crt")).get(0);

        assertThat(ca.certifiedKey().keySpec()).isEqualTo(KeySpec.ec());
        assertThat(server.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(KeySpec.of(Pem.readPrivateKey(dir.resolve("server.key")))).isEqualTo(KeySpec.ec());
    }

    @Test
    void eachCommandsHelpStandsOnItsOwn() {
        String certs = oneLine(Cli.run("certs", "--help").out());
        String ca = oneLine(Cli.run("certs", "ca", "--help").out());
        String server = oneLine(Cli.run("certs", "server", "--help").out());
        String client = oneLine(Cli.run("certs", "client", "--help").out());

        assertThat(oneLine(Cli.run("--help").out())).contains("certs ca --out certs");
        assertThat(certs).contains("ca ").contains("server ").contains("client ").contains("Examples:");
        assertThat(ca).contains("--out=DIR").contains("--cn=NAME").contains("(default: Magpie CA)")
                .contains("(default: 3650").contains("(default: ec)").contains("3072 for rsa")
                .contains("--force").contains("Exit status:").contains("Examples:")
                .contains("bin/magpie certs ca --out certs");
        assertThat(server).contains("--dns=NAME").contains("--ip=ADDR").contains("(default: server)")
                .contains("(default: 825").contains("Apple").contains("--p12-password").contains("Examples:")
                .contains("openssl verify -CAfile certs/ca.crt");
        assertThat(client).contains("--name=NAME").contains("common name").contains("(default: 825")
                .contains("listeners[].tls.client_ca_file").contains("Examples:")
                .contains("bin/magpie certs client --out certs --name sensor-1");
    }

    @Test
    void certsWithoutACommandListsThemAndIsAUsageError() {
        Run run = Cli.run("certs");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Usage: magpie certs").contains("server");
    }

    private static void assertUsageError(Run run, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).contains(message);
        assertThat(run.out()).isEmpty();
    }

    private static String oneLine(String help) {
        return help.replaceAll("\\s+", " ");
    }

    /** Days between Not Before and Not After, from openssl's text. */
    private static long validityDays(String text) {
        java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter
                .ofPattern("MMM ppd HH:mm:ss yyyy 'GMT'", java.util.Locale.ROOT);
        var notBefore = java.time.LocalDateTime.parse(field(text, "Not Before: "), format);
        var notAfter = java.time.LocalDateTime.parse(field(text, "Not After : "), format);
        return java.time.Duration.between(notBefore, notAfter).toDays();
    }

    private static String field(String text, String label) {
        int start = text.indexOf(label) + label.length();
        return text.substring(start, text.indexOf('\n', start)).trim();
    }

    private static int serialBits(Path dir, String certificate) {
        String serial = Openssl.run(dir, "x509", "-noout", "-serial", "-in", certificate).output().trim();
        return new java.math.BigInteger(serial.substring(serial.indexOf('=') + 1), 16).bitLength();
    }
}
