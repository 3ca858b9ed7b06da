package dev.magpie.bench.load;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.testkit.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generator over TLS: with the broker's CA, trusting anything, and refusing a server the CA did not sign. */
class LoadGeneratorTlsTest {
    @TempDir
    static Path folder;
    private static TestCertificates certs;
    private static Broker broker;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @BeforeAll
    static void startBroker() throws Exception {
        certs = TestCertificates.create(folder);
        TlsSettings tls = TlsSettings.pem(certs.serverCert, certs.serverKey);
        broker = Broker.builder().listener(Listener.tls("127.0.0.1", 0, tls).anonymous(true))
                .listener(Listener.wss("127.0.0.1", 0, tls).anonymous(true)).build().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static LoadSettings settings(Optional<Path> ca) {
        Connector.Target tls = new Connector.Target("127.0.0.1", broker.port("tls"), true, ca.map(Path::toFile), false,
                "/mqtt", 0);
        return LoadSettings.defaults("127.0.0.1", 0).withTarget(tls).withSeconds(0.1, 1).withProgress(false);
    }

    @Test
    void pairsOverTlsWithTheBrokersCaDeliverEverything() throws InterruptedException {
        LoadSettings s = settings(Optional.of(certs.caCert)).withClients(2, 2).withRate(400);
        try (Connector connector = new Connector(s.target(), 1)) {
            Report r = new RateRun(s, connector, QUIET).run();
            assertThat(r.get("transport")).isEqualTo("tls");
            assertThat(r.number("delivered")).isEqualTo(r.number("expected_deliveries")).isPositive();
            assertThat(r.number("lost") + r.number("duplicates") + r.number("reordered")).isZero();
        }
    }

    @Test
    void fanOutOverWebSocketOverTls() throws InterruptedException {
        Connector.Target wss = new Connector.Target("127.0.0.1", broker.port("wss"), true, Optional.of(certs.caCert.toFile()),
                true, "/mqtt", 0);
        LoadSettings s = settings(Optional.empty()).withTarget(wss).withScenario(Scenario.FANOUT).withClients(1, 2)
                .withRate(300).withProtocol(MqttFrames.V5, 1, 100);
        try (Connector connector = new Connector(s.target(), 1)) {
            Report r = new RateRun(s, connector, QUIET).run();
            assertThat(r.get("transport")).isEqualTo("wss");
            assertThat(r.number("delivered")).isEqualTo(r.number("expected_deliveries")).isEqualTo(2 * r.number("offered"));
            assertThat(r.number("lost") + r.number("duplicates") + r.number("reordered")).isZero();
        }
    }

    @Test
    void tlsConnectionStormTrustingAnyCertificate() throws InterruptedException {
        LoadSettings s = settings(Optional.empty()).withScenario(Scenario.STORM).withConnections(20, 4);
        try (Connector connector = new Connector(s.target(), 1)) {
            Report r = new ConnectionRuns(s, connector, QUIET).storm();
            assertThat(r.number("completed")).isEqualTo(20);
        }
    }

    @Test
    void aServerOutsideTheGivenCaIsRefused() {
        LoadSettings s = settings(Optional.of(certs.otherCaCert)).withScenario(Scenario.STORM).withConnections(1, 1);
        try (Connector connector = new Connector(s.target(), 1)) {
            assertThatThrownBy(() -> new ConnectionRuns(s, connector, QUIET).storm())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("connecting failed");
        }
    }
}
