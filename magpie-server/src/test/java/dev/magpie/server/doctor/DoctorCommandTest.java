package dev.magpie.server.doctor;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.server.cli.MagpieCommand;
import dev.magpie.spi.AuthResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User story: "before I point the mini program at my server, one command tells me whether WeChat will get
 * through, and if not, what to fix." One embedded broker serves a wss listener per certificate problem (made by
 * the project's CA, see {@link TestPki}); each test runs {@code magpie doctor} in-process against one of them
 * and checks the verdict and the hint of the check that matters.
 */
@Timeout(30)
class DoctorCommandTest {

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static Broker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        pki = new TestPki(dir);
        Path[][] chain = pki.withIntermediate("chain");
        broker = Broker.builder()
                .listener(wss("good", pki.server("good", 90, "localhost")))
                .listener(wss("other-ca", pki.fromOtherCa("other-ca")))
                .listener(wss("other-name", pki.server("other-name", 90, "mqtt.example.com")))
                .listener(wss("expired", pki.expired("expired")))
                .listener(wss("soon", pki.server("soon", 10, "localhost")))
                .listener(wss("leaf-only", chain[0]))
                .listener(wss("full-chain", chain[1]))
                .listener(Listener.wss("127.0.0.1", 0, tls(pki.server("tls13", 90, "localhost")).withProtocols("TLSv1.3"))
                        .named("tls13").anonymous(true))
                .listener(wss("users-only", pki.server("users-only", 90, "localhost")).anonymous(false))
                .listener(Listener.wss("127.0.0.1", 0, tls(pki.server("mtls", 90, "localhost"))
                        .withClientAuth(TlsSettings.ClientAuth.REQUIRE, pki.caFile())).named("mtls").anonymous(true))
                .listener(Listener.ws("127.0.0.1", 0).named("ws").anonymous(true))
                .listener(Listener.tcp("127.0.0.1", 0).named("tcp").anonymous(true))
                .listener(Listener.tls("127.0.0.1", 0, tls(pki.server("tls", 90, "localhost"))).named("tls")
                        .anonymous(true))
                .authenticator(credentials -> CompletableFuture.completedFuture(
                        credentials.username() == null ? AuthResult.next()
                                : "test".equals(credentials.username()) && Arrays.equals(
                                "123456".getBytes(StandardCharsets.UTF_8), credentials.password())
                                ? AuthResult.allow() : AuthResult.deny("bad user name or password")))
                .build().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    private static Listener wss(String name, Path[] files) {
        return Listener.wss("127.0.0.1", 0, tls(files)).named(name).anonymous(true);
    }

    private static TlsSettings tls(Path[] files) {
        return TlsSettings.pem(files[0], files[1]);
    }

    private static String url(String listener) {
        return "wxs://localhost:" + broker.port(listener) + "/mqtt";
    }

    /** {@code doctor URL-of-listener --ca ca.crt --timeout 5s MORE...}. */
    private static DoctorRun doctor(String listener, String... more) {
        return doctorTrusting(pki.caFile(), listener, more);
    }

    private static DoctorRun doctorTrusting(Path caFile, String listener, String... more) {
        List<String> args = new ArrayList<>(List.of(url(listener), "--ca", caFile.toString(), "--timeout", "5s"));
        args.addAll(List.of(more));
        return DoctorRun.of(args.toArray(String[]::new));
    }

    @Test
    void aWorkingWssListenerPassesEveryCheckWithOnlyAWarningForItsPort() {
        DoctorRun run = doctor("good");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.status(Check.PORT)).isEqualTo(Status.WARN);
        assertThat(run.line(Check.PORT)).contains("is not 443").contains("fix:");
        for (Check check : List.of(Check.DNS_NAME, Check.CONNECT, Check.TLS_VERSION, Check.CHAIN, Check.HOST_NAME,
                Check.VALIDITY, Check.WEBSOCKET, Check.SUBPROTOCOL, Check.MQTT)) {
            assertThat(run.status(check)).as(run.line(check)).isEqualTo(Status.PASS);
        }
        assertThat(run.line(Check.DNS_NAME)).contains("localhost -> 127.0.0.1");
        assertThat(run.line(Check.TLS_VERSION)).contains("TLSv1.3").contains("TLS 1.2 accepted too");
        assertThat(run.line(Check.CHAIN)).contains("CN=localhost <- CN=Doctor Test CA");
        assertThat(run.line(Check.WEBSOCKET)).contains("GET /mqtt -> HTTP/1.1 101");
        assertThat(run.line(Check.SUBPROTOCOL)).contains("chose mqtt");
        assertThat(run.line(Check.MQTT)).contains("CONNACK accepted (MQTT 3.1.1");
        assertThat(run.out()).contains("All checks passed (1 warning).");
    }

    @Test
    void anIpAddressFailsBecauseWeChatOnlyConnectsToDomainNames() {
        DoctorRun run = DoctorRun.of("wxs://127.0.0.1:" + broker.port("good") + "/mqtt", "--ca",
                pki.caFile().toString(), "--timeout", "5s");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.status(Check.DNS_NAME)).isEqualTo(Status.FAIL);
        assertThat(run.line(Check.DNS_NAME)).contains("127.0.0.1 is an IP address").contains("registered domain")
                .contains("fix: point a domain");
        // the certificate names localhost only, which is the next thing to fix
        assertThat(run.line(Check.HOST_NAME)).startsWith("FAIL").contains("not 127.0.0.1");
    }

    @Test
    void aCertificateFromAnotherCaIsNotTrusted() {
        DoctorRun run = doctor("other-ca");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line(Check.CHAIN)).startsWith("FAIL").contains("self-signed CN=Other CA")
                .contains("not among " + pki.caFile()).contains("fix: the server's certificate was not issued by a CA in");
        // without a password nothing secret is at stake, so the rest is still checked
        assertThat(run.status(Check.MQTT)).isEqualTo(Status.PASS);
    }

    @Test
    void aPrivateCaIsNotTrustedByTheSystemRootsAPhoneHas() {
        DoctorRun run = DoctorRun.of(url("good"), "--timeout", "5s");

        assertThat(run.exitCode()).isEqualTo(1);
        // the server sends only its certificate, so its issuer may be a missing intermediate or an unknown root
        assertThat(run.line(Check.CHAIN)).startsWith("FAIL").contains("'CN=Doctor Test CA'")
                .contains("system's trusted roots").contains("use a public CA");
    }

    @Test
    void thePasswordIsNotSentToAServerWhoseCertificateFailed() {
        DoctorRun run = doctor("other-ca", "--username", "test", "--password", "123456");

        assertThat(run.status(Check.MQTT)).isEqualTo(Status.SKIP);
        assertThat(run.line(Check.MQTT)).contains("not sending the password");
    }

    @Test
    void aCertificateForAnotherNameFailsTheHostNameCheck() {
        DoctorRun run = doctor("other-name");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.status(Check.CHAIN)).isEqualTo(Status.PASS);
        assertThat(run.line(Check.HOST_NAME)).startsWith("FAIL")
                .contains("the certificate is for DNS:mqtt.example.com, not localhost")
                .contains("bin/magpie certs server --dns localhost");
    }

    @Test
    void anExpiredCertificateFailsOnlyTheValidityCheck() {
        DoctorRun run = doctor("expired");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line(Check.VALIDITY)).startsWith("FAIL").contains("CN=localhost expired on")
                .contains("fix: renew it");
        assertThat(run.status(Check.CHAIN)).as(run.line(Check.CHAIN)).isEqualTo(Status.PASS);
    }

    @Test
    void aCertificateThatExpiresWithin30DaysWarns() {
        DoctorRun run = doctor("soon");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.line(Check.VALIDITY)).startsWith("WARN").containsPattern("\\((9|10) days\\)")
                .contains("fix: renew it now");
        assertThat(run.out()).contains("All checks passed (2 warnings).");
    }

    @Test
    void aServerThatSendsOnlyItsOwnCertificateMissesTheIntermediate() {
        DoctorRun run = doctorTrusting(dir.resolve("chain-root.crt"), "leaf-only");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line(Check.CHAIN)).startsWith("FAIL").contains("the server sends only its own certificate")
                .contains("'CN=Chain Intermediate'").contains("published at " + TestPki.INTERMEDIATE_URL)
                .contains("serve the full chain").contains("intermediate CA");
    }

    @Test
    void aServerThatSendsTheIntermediatePassesTheChainCheck() {
        DoctorRun run = doctorTrusting(dir.resolve("chain-root.crt"), "full-chain");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.line(Check.CHAIN)).startsWith("PASS")
                .contains("CN=localhost <- CN=Chain Intermediate <- CN=Chain Root");
    }

    @Test
    void anIntermediateThatIsOnlyInTheCaFileWarnsThatPhonesLackIt() {
        DoctorRun run = doctorTrusting(dir.resolve("chain-intermediate.crt"), "leaf-only");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.line(Check.CHAIN)).startsWith("WARN").contains("does not send CN=Chain Intermediate")
                .contains("is not a root").contains("fix: append the intermediate");
    }

    @Test
    void aTls13OnlyServerWarnsThatOlderPhonesCannotConnect() {
        DoctorRun run = doctor("tls13");

        assertThat(run.exitCode()).isZero();
        assertThat(run.line(Check.TLS_VERSION)).startsWith("WARN").contains("TLSv1.3")
                .contains("a TLS 1.2-only client is refused").contains("enable TLSv1.2");
    }

    @Test
    void aListenerThatRequiresClientCertificatesIsOneNoMiniProgramCanUse() {
        DoctorRun run = doctor("mtls");

        assertThat(run.exitCode()).isEqualTo(1);
        // TLS 1.3: the handshake completes, then the server drops the client that sent no certificate
        assertThat(run.line(Check.TLS_VERSION)).contains("the server asks for a client certificate");
        assertThat(run.line(Check.WEBSOCKET)).startsWith("FAIL")
                .contains("asked for a client certificate and dropped the connection")
                .contains("fix: a mini program cannot present a client certificate: set client_auth to none");
    }

    @Test
    void aPathThatDoesNotUpgradeGets404AndTheListenersPath() {
        DoctorRun run = DoctorRun.of("wxs://localhost:" + broker.port("good") + "/wrong", "--ca",
                pki.caFile().toString(), "--timeout", "5s");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line(Check.WEBSOCKET)).startsWith("FAIL").contains("GET /wrong -> HTTP/1.1 404")
                .contains("try /mqtt").contains("websocket.paths");
        assertThat(run.status(Check.SUBPROTOCOL)).isEqualTo(Status.SKIP);
        assertThat(run.line(Check.MQTT)).startsWith("SKIP").contains("WebSocket upgrade failed");
    }

    @Test
    void aPlainHttpPortBehindAWxsUrlIsReportedAsNotTls() {
        DoctorRun run = DoctorRun.of("wxs://localhost:" + broker.port("ws") + "/mqtt", "--timeout", "5s");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line(Check.TLS_VERSION)).startsWith("FAIL").contains("answered in plain HTTP")
                .contains("serves ws://").contains("a mini program needs wss");
        assertThat(run.status(Check.CHAIN)).isEqualTo(Status.SKIP);
    }

    @Test
    void aWrongPasswordIsExplainedFromTheConnackReturnCode() {
        DoctorRun run = doctor("good", "--username", "test", "--password", "wrong");

        assertThat(run.exitCode()).isEqualTo(1);
        // [MQTT-3.2.2-3] return code 4: bad user name or password
        assertThat(run.line(Check.MQTT)).startsWith("FAIL").contains("return code 4 (bad user name or password)")
                .contains("fix: check --username and --password");
    }

    @Test
    void theRightPasswordConnectsWithMqtt5() {
        DoctorRun run = doctor("good", "--username", "test", "--password", "123456", "--mqtt-version", "5",
                "--client-id", "doctor-5");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.line(Check.MQTT)).startsWith("PASS").contains("MQTT 5.0, client id doctor-5, user test");
    }

    @Test
    void aListenerWithoutAnonymousAccessAsksForCredentials() {
        DoctorRun run = doctor("users-only");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line(Check.MQTT)).startsWith("FAIL").contains("CONNACK refused").contains("--username");
    }

    @Test
    void anMqttUrlRunsTheChecksThatApplyAndWarnsThereIsNoTls() {
        DoctorRun run = DoctorRun.of("mqtt://localhost:" + broker.port("tcp"), "--timeout", "5s");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.line(Check.TLS_VERSION)).startsWith("WARN").contains("not encrypted");
        assertThat(run.status(Check.MQTT)).isEqualTo(Status.PASS);
        assertThat(run.out()).doesNotContain(Check.WEBSOCKET.label());
        assertThat(run.out().lines()).noneMatch(line -> line.startsWith("WARN  port"));
    }

    @Test
    void aPlainMqttPortBehindAWxsUrlIsReportedAsNotTls() {
        DoctorRun run = DoctorRun.of("wxs://localhost:" + broker.port("tcp") + "/mqtt", "--timeout", "5s");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.line(Check.TLS_VERSION)).startsWith("FAIL").contains("closed the connection when it got the"
                + " TLS hello").contains("plain mqtt:// or ws:// port");
    }

    @Test
    void anMqttsUrlChecksTlsAndMqttWithoutWebSocket() {
        DoctorRun run = DoctorRun.of("mqtts://localhost:" + broker.port("tls"), "--ca", pki.caFile().toString(),
                "--timeout", "5s");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.status(Check.CHAIN)).isEqualTo(Status.PASS);
        assertThat(run.status(Check.MQTT)).isEqualTo(Status.PASS);
        assertThat(run.out()).doesNotContain(Check.WEBSOCKET.label());
    }

    @Test
    void theRealProgramPrintsTheReportAndExitsZero() throws Exception {
        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", // a short-lived child on a small machine: C2 would not pay off
                "-Dlogback.configurationFile=logback.xml",
                "-cp", System.getProperty("java.class.path"),
                MagpieCommand.class.getName(), "doctor", url("good"), "--ca", pki.caFile().toString(), "--timeout", "5s")
                .redirectErrorStream(true).start();
        try {
            assertThat(process.waitFor(25, TimeUnit.SECONDS)).as("doctor finished").isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("PASS  MQTT CONNECT").contains("All checks passed (1 warning).");
        } finally {
            process.destroyForcibly();
        }
    }
}
