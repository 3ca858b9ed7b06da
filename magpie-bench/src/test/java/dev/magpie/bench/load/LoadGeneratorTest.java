package dev.magpie.bench.load;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generator end to end against an embedded Magpie broker, briefly and at a low rate: every message offered must
 * arrive exactly once and in order per stream (QoS 0 over loopback does not lose, and [MQTT-4.6.0-5] keeps each
 * publisher's order), and every delivery must be in the latency histogram.
 */
class LoadGeneratorTest {
    private static Broker broker;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @BeforeAll
    static void startBroker() {
        broker = TestBrokers.anonymous().listener(Listener.ws("127.0.0.1", 0).anonymous(true)).build().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static LoadSettings settings(int port) {
        return LoadSettings.defaults("127.0.0.1", port).withSeconds(0.2, 1.2).withProgress(false);
    }

    private static Report run(LoadSettings settings) throws InterruptedException {
        try (Connector connector = new Connector(settings.target(), 1)) {
            return new RateRun(settings, connector, QUIET).run();
        }
    }

    private static void assertExactlyOnceInOrder(Report r) {
        assertThat(r.number("offered")).isPositive();
        assertThat(r.number("not_sent")).isZero();
        assertThat(r.number("delivered")).isEqualTo(r.number("expected_deliveries"));
        assertThat(r.number("received")).isEqualTo(r.number("delivered"));
        assertThat(r.number("delivered_ratio")).isEqualTo(1.0);
        assertThat(r.number("lost")).isZero();
        assertThat(r.number("duplicates")).isZero();
        assertThat(r.number("reordered")).isZero();
        assertThat(r.number("foreign")).isZero();
        // Only messages due after the warm-up (0.2 of 1.4 s) are in the histogram.
        assertThat(r.number("latency_count")).isBetween(0.8 * r.number("received"), r.number("received"));
        assertThat(r.number("latency_p50_us")).isLessThanOrEqualTo(r.number("latency_p99_us"));
        assertThat(r.number("latency_p99_us")).isLessThanOrEqualTo(r.number("latency_max_us"));
    }

    @Test
    void pairsAtQos0DeliverEveryOfferedMessageOnceAndInOrder() throws InterruptedException {
        Report r = run(settings(broker.port("tcp")).withScenario(Scenario.PAIRS).withClients(2, 2).withRate(500));
        assertExactlyOnceInOrder(r);
        // 500/s for 1.4 s in all: about 700 offered.
        assertThat(r.number("offered")).isBetween(600.0, 800.0);
        assertThat(r.get("scenario")).isEqualTo("pairs");
    }

    @Test
    void fanOutAtQos2OverMqtt5WebSocketReachesEverySubscriberExactlyOnce() throws InterruptedException {
        // [MQTT-4.3.3-1] QoS 2 is exactly once: duplicates would show in the tracker.
        LoadSettings s = settings(broker.port("ws")).withScenario(Scenario.FANOUT).withClients(1, 3).withRate(300)
                .withProtocol(MqttFrames.V5, 2, 64);
        Connector.Target ws = new Connector.Target("127.0.0.1", broker.port("ws"), false, java.util.Optional.empty(),
                true, "/mqtt", 0);
        Report r = run(s.withTarget(ws));
        assertExactlyOnceInOrder(r);
        assertThat(r.number("expected_deliveries")).isEqualTo(3 * r.number("offered"));
        assertThat(r.get("transport")).isEqualTo("ws");
    }

    @Test
    void fanInAndPersistentQos1FromSourceAddressesDeliverEverything() throws InterruptedException {
        LoadSettings fanIn = settings(broker.port("tcp")).withScenario(Scenario.FANIN).withClients(3, 1).withRate(450)
                .withTarget(new Connector.Target("127.0.0.1", broker.port("tcp"), false, java.util.Optional.empty(),
                        false, "/mqtt", 3));
        assertExactlyOnceInOrder(run(fanIn));
        Report persistent = run(settings(broker.port("tcp")).withScenario(Scenario.PERSISTENT).withClients(2, 2)
                .withRate(400));
        assertExactlyOnceInOrder(persistent);
        assertThat(persistent.number("qos")).isEqualTo(1);
    }

    @Test
    void sharedSubscriptionGroupGetsEachMessageOnce() throws InterruptedException {
        // MQTT 5.0 section 4.8.2: each message of a shared subscription goes to one session of the group.
        Report r = run(settings(broker.port("tcp")).withScenario(Scenario.SHARED).withClients(2, 3).withRate(400)
                .withProtocol(MqttFrames.V5, 1, 32));
        assertThat(r.number("delivered")).isEqualTo(r.number("expected_deliveries")).isEqualTo(r.number("offered"));
        assertThat(r.number("lost") + r.number("duplicates") + r.number("foreign")).isZero();
    }

    @Test
    void idleConnectionsAreHeldAndTheBrokerRssIsRead() throws InterruptedException {
        // The embedded broker lives in this process, so its "broker pid" is ours.
        LoadSettings s = settings(broker.port("tcp")).withScenario(Scenario.IDLE).withConnections(60, 20)
                .withSeconds(0, 0.1).withBrokerPid(ProcessHandle.current().pid());
        try (Connector connector = new Connector(s.target(), 1)) {
            Report r = new ConnectionRuns(s, connector, QUIET).idle();
            assertThat(r.number("open_at_end")).isEqualTo(60);
            assertThat(r.number("broker_rss_after_bytes")).isPositive();
            assertThat(r.get("broker_rss_per_connection_bytes")).isNotNull();
        }
    }

    @Test
    void commandLineSweepReportsTheHighestRateThatHeldAndEveryStep() {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int status = new picocli.CommandLine(new LoadCommand(new PrintStream(stdout, true, StandardCharsets.UTF_8), QUIET))
                .execute("--port", Integer.toString(broker.port("tcp")), "--scenario", "fanout", "--subscribers", "2",
                        "--rate", "200", "--sweep", "--sweep-max", "400", "--warmup", "0.1", "--duration", "0.6",
                        "--drain", "2", "--p99-bound-ms", "1000", "--quiet", "--markdown");
        assertThat(status).isZero();
        String[] lines = stdout.toString(StandardCharsets.UTF_8).split("\n");
        Report r = ProcessSplit.parse(lines[0]);
        assertThat(r.number("sweep_max_held_rate")).isEqualTo(400);
        assertThat(r.number("offered_rate")).isEqualTo(400);
        assertThat(r.number("lost")).isZero();
        assertThat(lines[0]).contains("\"sweep_steps\":[{").contains("\"held\":true");
        assertThat(lines[1]).startsWith("| label | scenario |");
        assertThat(lines[3]).contains("| fanout |");
    }

    @Test
    void badOptionsAreRefusedWithAMessage() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = new picocli.CommandLine(new LoadCommand(QUIET, new PrintStream(stderr, true, StandardCharsets.UTF_8)))
                .execute("--payload", "8");
        assertThat(status).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--payload must be 16");
    }

    @Test
    void connectionStormCountsEveryConnectAndTimesIt() throws InterruptedException {
        LoadSettings s = settings(broker.port("tcp")).withScenario(Scenario.STORM).withConnections(40, 1);
        try (Connector connector = new Connector(s.target(), 1)) {
            Report r = new ConnectionRuns(s, connector, QUIET).storm();
            assertThat(r.number("completed")).isEqualTo(40);
            assertThat(r.number("setup_count")).isEqualTo(40);
            assertThat(r.number("connects_per_second")).isPositive();
        }
    }

    @Test
    void theTrivialRelayCarriesPairsSoTheGeneratorCanBeMeasuredWithoutABroker() throws InterruptedException {
        try (SinkCommand.Relay relay = SinkCommand.Relay.start("127.0.0.1", 0)) {
            Report r = run(settings(relay.port()).withScenario(Scenario.PAIRS).withClients(2, 2).withRate(500)
                    .withProtocol(MqttFrames.V5, 1, 16));
            assertExactlyOnceInOrder(r);
        }
    }
}
