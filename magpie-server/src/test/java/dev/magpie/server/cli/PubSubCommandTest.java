package dev.magpie.server.cli;

import dev.magpie.Broker;
import dev.magpie.BrokerCapabilities;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.CertifiedKey;
import dev.magpie.server.certs.KeySpec;
import dev.magpie.server.certs.Pem;
import dev.magpie.server.certs.ServerNames;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.testkit.TestBrokers;
import dev.magpie.testkit.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * User story: "I test my deployment with {@code bin/magpie sub} and {@code bin/magpie pub}, as I would with
 * mosquitto-clients, and when the broker says no I read why." One embedded broker serves every transport the
 * clients speak (TCP, TLS, mutual TLS, WebSocket) and a users-only listener; an authorizer denies
 * {@code forbidden/#}. The commands run in-process ({@link ClientRun}); a subscriber runs on its own thread and the
 * test publishes once the broker has its subscription.
 */
@Timeout(30)
class PubSubCommandTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    /** The CA of the certificate for mqtt.example.com only, which a client reaching 127.0.0.1 finds misnamed. */
    private static Path otherNameCa;
    private static Broker broker;
    private static final Set<String> subscribed = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startBroker() throws IOException {
        certs = TestCertificates.create(dir);
        TlsSettings tls = TlsSettings.pem(certs.serverCert, certs.serverKey);
        CertificateAuthority ca = CertificateAuthority.create("Name Test CA", KeySpec.ec(), 2);
        CertifiedKey misnamed = ca.issueServer(ServerNames.of(List.of("mqtt.example.com"), List.of()), KeySpec.ec(), 2);
        otherNameCa = Files.writeString(dir.resolve("name-ca.crt"), Pem.certificate(ca.certificate()));
        Path misnamedCert = Files.writeString(dir.resolve("misnamed.crt"), Pem.certificate(misnamed.certificate()));
        Path misnamedKey = Files.writeString(dir.resolve("misnamed.key"), Pem.privateKey(misnamed.privateKey()));
        broker = Broker.builder()
                .listener(Listener.tcp("127.0.0.1", 0).named("tcp").anonymous(true))
                .listener(Listener.tcp("127.0.0.1", 0).named("users").anonymous(false))
                .listener(Listener.tls("127.0.0.1", 0, tls).named("tls").anonymous(true))
                .listener(Listener.tls("127.0.0.1", 0, tls.withClientAuth(TlsSettings.ClientAuth.REQUIRE, certs.caCert))
                        .named("mtls").anonymous(true))
                .listener(Listener.ws("127.0.0.1", 0).named("ws").anonymous(true))
                .listener(Listener.wss("127.0.0.1", 0, tls).named("wss").anonymous(true))
                .listener(Listener.tls("127.0.0.1", 0, TlsSettings.pem(misnamedCert, misnamedKey)).named("misnamed")
                        .anonymous(true))
                .authenticator(credentials -> CompletableFuture.completedFuture(credentials.username() == null
                        ? AuthResult.next()
                        : "test".equals(credentials.username())
                        && Arrays.equals("123456".getBytes(StandardCharsets.UTF_8), credentials.password())
                        ? AuthResult.allow() : AuthResult.deny("bad user name or password")))
                .authorizer(new Authorizer() {
                    @Override
                    public Decision authorizePublish(ClientInfo client, String topic, int qos, boolean retain) {
                        return topic.startsWith("forbidden/") ? Decision.DENY : Decision.ALLOW;
                    }

                    @Override
                    public Decision authorizeSubscribe(ClientInfo client, String filter, int qos) {
                        return filter.startsWith("forbidden/") ? Decision.DENY : Decision.ALLOW;
                    }
                })
                .eventListener(new BrokerListener() {
                    @Override
                    public void subscribed(ClientInfo client, String filter, int grantedQos) {
                        subscribed.add(filter);
                    }
                })
                .build().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    private static String port(String listener) {
        return String.valueOf(broker.port(listener));
    }

    /** Starts {@code magpie sub ARGS -t FILTER} and returns once the broker has the subscription. */
    private static CompletableFuture<ClientRun> subscriber(String filter, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "sub";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "-t";
        all[args.length + 2] = filter;
        CompletableFuture<ClientRun> run = ClientRun.start(all);
        await().atMost(WAIT).until(() -> subscribed.contains(filter) || run.isDone());
        assertThat(run).as("the subscriber ended before subscribing").isNotDone();
        return run;
    }

    private static ClientRun finished(CompletableFuture<ClientRun> run) throws Exception {
        return run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aMessagePublishedAtQos1And2ReachesTheSubscriberWithItsTopicAndSubEndsAfterCount() throws Exception {
        CompletableFuture<ClientRun> sub = subscriber("rt/#", "-p", port("tcp"), "-q", "2", "-v", "-C", "2");

        ClientRun one = ClientRun.run("pub", "-p", port("tcp"), "-q", "1", "-t", "rt/one", "-m", "first");
        ClientRun two = ClientRun.run("pub", "-p", port("tcp"), "-q", "2", "-t", "rt/two", "-m", "second");

        assertThat(one.exitCode()).as(one.err()).isZero();
        assertThat(two.exitCode()).as(two.err()).isZero();
        ClientRun received = finished(sub);
        assertThat(received.exitCode()).as(received.err()).isZero();
        // QoS 1 and 2 flows are ordered per publisher [MQTT-4.6.0-2]; -v prints "TOPIC PAYLOAD" as mosquitto_sub does
        assertThat(received.out()).isEqualTo("rt/one first\nrt/two second\n");
    }

    @Test
    void mqtt311ClientsExchangeQos2MessagesLinesFromStandardInput() throws Exception {
        CompletableFuture<ClientRun> sub = subscriber("v3/lines", "-p", port("tcp"), "-V", "311", "-q", "2", "-C", "2");

        ClientRun pub = ClientRun.run(Map.of(), "alpha\n\nbeta\r\n", "pub", "-p", port("tcp"), "-V", "mqttv311",
                "-q", "2", "-t", "v3/lines", "-l");

        assertThat(pub.exitCode()).as(pub.err()).isZero();
        // the empty line is skipped (mosquitto_pub -l) and \r\n ends a line as \n does
        assertThat(finished(sub).out()).isEqualTo("alpha\nbeta\n");
    }

    @Test
    void aRetainedMessageIsPrintedToALaterSubscriberUnlessNoStaleIsAsked() {
        ClientRun pub = ClientRun.run("pub", "-p", port("tcp"), "-q", "1", "-r", "-t", "kept/state", "-m", "on");
        assertThat(pub.exitCode()).as(pub.err()).isZero();

        ClientRun later = ClientRun.run("sub", "-p", port("tcp"), "-t", "kept/state", "-v", "-C", "1", "-W", "5");
        // [MQTT-3.3.1-6] the retained message goes to a new subscription
        assertThat(later.exitCode()).as(later.err()).isZero();
        assertThat(later.out()).isEqualTo("kept/state on\n");

        // -R: not printed, so -W runs out: exit status 4 and a line saying so
        ClientRun fresh = ClientRun.run("sub", "-p", port("tcp"), "-t", "kept/state", "-R", "-C", "1", "-W", "1");
        assertThat(fresh.exitCode()).isEqualTo(ClientExit.TIMEOUT);
        assertThat(fresh.out()).isEmpty();
        assertThat(fresh.err()).isEqualTo("magpie sub: timed out (-W 1 s) after 0 of 1 messages");
    }

    @Test
    void aWrongPasswordIsRefusedWithTheReasonInWordsAndExitStatus1() {
        ClientRun v5 = ClientRun.run("pub", "-p", port("users"), "-u", "test", "-P", "wrong", "-t", "t", "-m", "x");
        ClientRun v3 = ClientRun.run("sub", "-p", port("users"), "-V", "311", "-u", "test", "-P", "wrong", "-t", "t");

        // [MQTT-3.2.2-8] 5.0 CONNACK with reason 0x86; 3.1.1 return code 4 (3.1.1 table 3.1)
        assertThat(v5.exitCode()).isEqualTo(ClientExit.REFUSED);
        assertThat(v5.err()).startsWith("magpie pub: connection refused: bad user name or password (0x86)");
        assertThat(v3.exitCode()).isEqualTo(ClientExit.REFUSED);
        assertThat(v3.err()).isEqualTo("magpie sub: connection refused: bad user name or password (return code 4)");
    }

    @Test
    void thePasswordCanComeFromTheEnvironmentOrStandardInputInsteadOfTheCommandLine() {
        ClientRun fromEnvironment = ClientRun.run(Map.of(ClientOptions.PASSWORD_VARIABLE, "123456"), "",
                "pub", "-p", port("users"), "-u", "test", "-q", "1", "-t", "env/t", "-m", "x");
        ClientRun fromInput = ClientRun.run(Map.of(), "123456\n",
                "pub", "-p", port("users"), "-u", "test", "--ask-password", "-q", "1", "-t", "env/t", "-m", "x");

        assertThat(fromEnvironment.exitCode()).as(fromEnvironment.err()).isZero();
        assertThat(fromInput.exitCode()).as(fromInput.err()).isZero();
    }

    @Test
    void aRefusedSubscriptionAndARefusedPublishSayWhyInWords() {
        ClientRun sub = ClientRun.run("sub", "-p", port("tcp"), "-t", "ok/t", "-t", "forbidden/t");
        ClientRun pub = ClientRun.run("pub", "-p", port("tcp"), "-q", "1", "-t", "forbidden/t", "-m", "x");

        // [MQTT-3.9.3-1] one SUBACK code per filter; 0x87 for the denied one
        assertThat(sub.exitCode()).isEqualTo(ClientExit.REFUSED);
        assertThat(sub.err()).isEqualTo("magpie sub: subscription to 'forbidden/t' refused: not authorized (0x87)");
        // 5.0 PUBACK reason 0x87 (section 3.4.2.1)
        assertThat(pub.exitCode()).isEqualTo(ClientExit.REFUSED);
        assertThat(pub.err()).isEqualTo("magpie pub: publish to 'forbidden/t' refused: not authorized (0x87)");
    }

    @Test
    void overTlsTheServerIsCheckedAgainstTheCaFileAndAnUnknownCaIsRefused() throws Exception {
        CompletableFuture<ClientRun> sub = subscriber("tls/t", "-h", "localhost", "-p", port("tls"),
                "--cafile", certs.caCert.toString(), "-C", "1");
        ClientRun pub = ClientRun.run("pub", "-h", "127.0.0.1", "-p", port("tls"), "--cafile", certs.caCert.toString(),
                "-q", "1", "-t", "tls/t", "-m", "secret");
        ClientRun stranger = ClientRun.run("pub", "-h", "localhost", "-p", port("tls"),
                "--cafile", certs.otherCaCert.toString(), "-t", "tls/t", "-m", "x");

        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(finished(sub).out()).isEqualTo("secret\n");
        assertThat(stranger.exitCode()).isEqualTo(ClientExit.NETWORK);
        assertThat(stranger.err()).contains("the server's certificate is not trusted: it was not issued by a CA in "
                + certs.otherCaCert);
    }

    @Test
    void mutualTlsPresentsTheClientCertificateAndWithoutOneTheErrorSaysWhatToAdd() {
        ClientRun with = ClientRun.run("pub", "-h", "localhost", "-p", port("mtls"), "--cafile", certs.caCert.toString(),
                "--cert", certs.clientCert.toString(), "--key", certs.clientKey.toString(), "-q", "1", "-t", "m/t", "-m", "x");
        ClientRun without = ClientRun.run("pub", "-h", "localhost", "-p", port("mtls"), "--cafile",
                certs.caCert.toString(), "-q", "1", "-t", "m/t", "-m", "x");

        assertThat(with.exitCode()).as(with.err()).isZero();
        assertThat(without.exitCode()).isEqualTo(ClientExit.NETWORK);
        assertThat(without.err()).startsWith("magpie pub: ").contains("--cert and --key");
    }

    @Test
    void aCertificateForAnotherNameIsRefusedUnlessInsecureSkipsTheNameCheck() {
        ClientRun checked = ClientRun.run("pub", "-h", "127.0.0.1", "-p", port("misnamed"), "--cafile",
                otherNameCa.toString(), "-t", "n/t", "-m", "x");
        ClientRun insecure = ClientRun.run("pub", "-h", "127.0.0.1", "-p", port("misnamed"), "--cafile",
                otherNameCa.toString(), "--insecure", "-q", "1", "-t", "n/t", "-m", "x");
        ClientRun insecureButUntrusted = ClientRun.run("pub", "-h", "127.0.0.1", "-p", port("misnamed"), "--cafile",
                certs.caCert.toString(), "--insecure", "-t", "n/t", "-m", "x");

        assertThat(checked.exitCode()).isEqualTo(ClientExit.NETWORK);
        assertThat(checked.err()).contains("the server's certificate does not name 127.0.0.1").contains("--insecure");
        assertThat(insecure.exitCode()).as(insecure.err()).isZero();
        // --insecure skips the name, never the chain
        assertThat(insecureButUntrusted.exitCode()).isEqualTo(ClientExit.NETWORK);
        assertThat(insecureButUntrusted.err()).contains("is not trusted");
    }

    @Test
    void overWebSocketAndSecureWebSocketBothTheFlagAndTheUrlWork() throws Exception {
        CompletableFuture<ClientRun> sub = subscriber("ws/t", "--ws", "-h", "127.0.0.1", "-p", port("ws"), "-C", "2", "-v");
        ClientRun pub = ClientRun.run("pub", "-L", "ws://127.0.0.1:" + port("ws") + "/mqtt", "-q", "1", "-t", "ws/t",
                "-m", "framed");
        ClientRun secure = ClientRun.run("pub", "-L", "wss://localhost:" + port("wss") + "/mqtt", "--cafile",
                certs.caCert.toString(), "-q", "2", "-t", "ws/t", "-m", "sealed");

        ClientRun wrongPath = ClientRun.run("pub", "--ws", "--ws-path", "/nothing-here", "-p", port("ws"), "-t", "ws/t",
                "-m", "x");

        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(secure.exitCode()).as(secure.err()).isZero();
        assertThat(finished(sub).out()).isEqualTo("ws/t framed\nws/t sealed\n");
        assertThat(wrongPath.exitCode()).isEqualTo(ClientExit.NETWORK);
        assertThat(wrongPath.err()).startsWith("magpie pub: the WebSocket upgrade of /nothing-here failed: ");
    }

    @Test
    void anIdleSubscriberKeepsTheConnectionAliveWithPingreq() {
        // [MQTT-3.1.2-20] (5.0) a client sends PINGREQ when it has sent nothing for the keep-alive
        ClientRun idle = ClientRun.run("sub", "-p", port("tcp"), "-k", "1", "-d", "-t", "idle/t", "-W", "2");

        assertThat(idle.exitCode()).isEqualTo(ClientExit.TIMEOUT);
        assertThat(idle.err()).contains("sending PingReq").contains("received PingResp");
    }

    @Test
    void nothingListeningIsANetworkErrorAndBadOptionsAreUsageErrors() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ClientRun refused = ClientRun.run("pub", "-h", "127.0.0.1", "-p", String.valueOf(closedPort), "-t", "t", "-m", "x");
        ClientRun noId = ClientRun.run("sub", "-c", "-t", "t");
        ClientRun wildcard = ClientRun.run("pub", "-t", "a/#", "-m", "x");

        assertThat(refused.exitCode()).isEqualTo(ClientExit.NETWORK);
        assertThat(refused.err()).isEqualTo("magpie pub: cannot connect to 127.0.0.1:" + closedPort
                + ": connection refused (is a broker listening there?)");
        assertThat(noId.exitCode()).isEqualTo(ClientExit.USAGE);
        assertThat(noId.err()).contains("-c needs -i ID");
        // [MQTT-3.3.2-2] no wildcards in a topic name
        assertThat(wildcard.exitCode()).isEqualTo(ClientExit.USAGE);
        assertThat(wildcard.err()).contains("'a/#' is not a topic to publish to");
    }

    @Test
    void mosquittoSubReceivesFromMagpiePubAndMagpieSubFromMosquittoPub() throws Exception {
        try (MosquittoClients mosquitto = new MosquittoClients()) {
            int tcp = broker.port("tcp");
            Process mosquittoSub = mosquitto.subscribe(tcp, "-t", "interop/to-mosquitto", "-q", "1", "-C", "1", "-v",
                    "-W", "10");
            await().atMost(WAIT).until(() -> subscribed.contains("interop/to-mosquitto"));
            ClientRun pub = ClientRun.run("pub", "-p", port("tcp"), "-q", "1", "-t", "interop/to-mosquitto", "-m", "hi");
            assertThat(pub.exitCode()).as(pub.err()).isZero();
            MosquittoClients.Result got = MosquittoClients.finish(mosquittoSub);
            assertThat(got.exitStatus()).isZero();
            assertThat(got.output()).isEqualTo("interop/to-mosquitto hi\n");

            CompletableFuture<ClientRun> sub = subscriber("interop/from-mosquitto", "-p", port("tcp"), "-V", "311",
                    "-q", "2", "-C", "1");
            MosquittoClients.Result sent = mosquitto.publish(tcp, "-t", "interop/from-mosquitto", "-q", "2", "-m", "hello");
            assertThat(sent.exitStatus()).as(sent.output()).isZero();
            assertThat(finished(sub).out()).isEqualTo("hello\n");
        }
    }

    @Test
    void helpListsMosquittosOptionNamesAndEveryExitStatus() {
        for (String command : new String[]{"pub", "sub"}) {
            ClientRun help = ClientRun.run(command, "--help");
            String text = help.out().replaceAll("\\s+", " ");

            assertThat(help.exitCode()).isZero();
            assertThat(text).contains("-h, --host=HOST").contains("-p, --port=PORT").contains("--cafile=FILE")
                    .contains("--cert=FILE").contains("--insecure").contains("-u, --username=USER").contains("-P, --pw=PW")
                    .contains("-V, --protocol-version=V").contains("-W, --timeout=SECONDS").contains("Exit status:")
                    .contains("1 refused by the broker").contains("2 bad option").contains("3 network, TLS")
                    .contains("4 timeout");
        }
        assertThat(ClientRun.run("sub", "--help").out()).contains("-C, --count=N").contains("-v, --verbose");
        assertThat(ClientRun.run("pub", "--help").out()).contains("-l, --stdin-line").contains("-r, --retain");
    }

    @Test
    void aQosOrRetainTheBrokerDoesNotOfferIsRefusedBeforeSendingWithWhatToChange() {
        // [MQTT-3.2.2-9] Maximum QoS and [MQTT-3.2.2-13] Retain Available are announced in a 5.0 CONNACK
        try (Broker limited = TestBrokers.anonymous()
                .capabilities(BrokerCapabilities.all().withMaximumQos(1).withRetainAvailable(false)).build().start()) {
            String limitedPort = String.valueOf(limited.port("tcp"));
            ClientRun qos2 = ClientRun.run("pub", "-p", limitedPort, "-q", "2", "-t", "t", "-m", "x");
            ClientRun retained = ClientRun.run("pub", "-p", limitedPort, "-r", "-t", "t", "-m", "x");

            assertThat(qos2.exitCode()).isEqualTo(ClientExit.REFUSED);
            assertThat(qos2.err()).isEqualTo("magpie pub: the broker takes QoS 1 at most (CONNACK Maximum QoS); publish"
                    + " with -q 1");
            assertThat(retained.exitCode()).isEqualTo(ClientExit.REFUSED);
            assertThat(retained.err()).contains("publish without -r");
        }
    }

    @Test
    void plainMqttToAWebSocketOrTlsPortSaysWhichOptionIsMissing() {
        ClientRun toWebSocket = ClientRun.run("pub", "-p", port("ws"), "-t", "t", "-m", "x");
        ClientRun toTls = ClientRun.run("pub", "-p", port("tls"), "-t", "t", "-m", "x");

        assertThat(toWebSocket.exitCode()).isEqualTo(ClientExit.NETWORK);
        assertThat(toWebSocket.err()).contains("answered in HTTP").contains("--ws");
        assertThat(toTls.exitCode()).isEqualTo(ClientExit.NETWORK);
        assertThat(toTls.err()).contains("--cafile");
    }

    @Test
    void aClientTakenOverEndsWithTheReasonAndItsWillIsPublished() throws Exception {
        CompletableFuture<ClientRun> wills = subscriber("wills/#", "-p", port("tcp"), "-v", "-C", "1");
        CompletableFuture<ClientRun> first = subscriber("takeover/t", "-p", port("tcp"), "-i", "twin",
                "--will-topic", "wills/twin", "--will-payload", "gone", "-q", "1");

        // [MQTT-3.1.4-3] a second connection with the same client id takes over: 0x8E to the first, whose will is
        // published because it did not end with DISCONNECT
        ClientRun second = ClientRun.run("pub", "-p", port("tcp"), "-i", "twin", "-t", "takeover/t", "-m", "x");

        assertThat(second.exitCode()).as(second.err()).isZero();
        ClientRun taken = finished(first);
        assertThat(taken.exitCode()).isEqualTo(ClientExit.REFUSED);
        assertThat(taken.err()).startsWith("magpie sub: the broker disconnected us: session taken over (0x8E)");
        assertThat(finished(wills).out()).isEqualTo("wills/twin gone\n");
    }
}
