package dev.magpie;

import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The embedding API: build/start/stop, publish from the server, and the SPI hooks with real clients. */
class EmbeddedBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Broker broker;
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(500, 500);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // best effort
            }
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private MqttClient connect(String id, String user, String password) throws MqttException {
        MqttClient c = new MqttClient(TestBrokers.uri(broker), id, new MemoryPersistence());
        clients.add(c);
        MqttConnectOptions o = PahoOptions.v3();
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.toCharArray());
        }
        c.connect(o);
        return c;
    }

    @Test
    void serverPublishReachesSubscribersAndIsRetainedWhenAsked() throws Exception {
        broker = TestBrokers.anonymous().build().start();
        List<String> got = new CopyOnWriteArrayList<>();
        connect("s1", null, null).subscribe("srv/#", 1, (t, m) -> got.add(t + "=" + new String(m.getPayload(), StandardCharsets.UTF_8)));
        broker.publish("srv/hello", "from the server");
        broker.publish("srv/state", "kept".getBytes(StandardCharsets.UTF_8), 1, true);
        await().atMost(WAIT).until(() -> got.size() == 2);
        List<String> late = new CopyOnWriteArrayList<>();
        connect("s2", null, null).subscribe("srv/#", 1, (t, m) -> late.add(t));
        await().atMost(WAIT).until(() -> late.contains("srv/state"));
        assertThat(got).containsExactly("srv/hello=from the server", "srv/state=kept");
    }

    @Test
    void serverPublishRejectsAnInvalidTopic() {
        broker = TestBrokers.anonymous().build().start();
        assertThatThrownBy(() -> broker.publish("a/#", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void interceptorsMayChangeOrDropMessages() throws Exception {
        broker = TestBrokers.anonymous()
                .interceptor((client, m) -> m.topic().startsWith("secret/") ? Optional.empty() : Optional.of(m))
                .interceptor((client, m) -> Optional.of(m.withPayload((m.payloadAsString() + " (seen by " + client.clientId() + ")").getBytes(StandardCharsets.UTF_8))))
                .build().start();
        List<String> got = new CopyOnWriteArrayList<>();
        connect("watch", null, null).subscribe("#", 1, (t, m) -> got.add(t + "=" + new String(m.getPayload(), StandardCharsets.UTF_8)));
        MqttClient pub = connect("writer", null, null);
        pub.publish("secret/x", "hidden".getBytes(StandardCharsets.UTF_8), 1, false);
        pub.publish("open/x", "hello".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(WAIT).until(() -> !got.isEmpty());
        assertThat(got).containsExactly("open/x=hello (seen by writer)");
    }

    @Test
    void listenersSeeTheClientLifecycleAndAFailingListenerBreaksNothing() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        broker = TestBrokers.anonymous()
                .eventListener(new BrokerListener() {
                    @Override
                    public void clientConnected(ClientInfo client) {
                        throw new IllegalStateException("listener bug");
                    }
                })
                .eventListener(new BrokerListener() {
                    public void clientConnected(ClientInfo c) { events.add("connected " + c.clientId()); }
                    public void subscribed(ClientInfo c, String f, int q) { events.add("subscribed " + f + " " + q); }
                    public void published(ClientInfo c, Message m) { events.add("published " + m.topic() + " by " + c.clientId()); }
                    public void delivered(ClientInfo c, Message m) { events.add("delivered " + m.topic() + " to " + c.clientId()); }
                    public void unsubscribed(ClientInfo c, String f) { events.add("unsubscribed " + f); }
                    public void clientDisconnected(ClientInfo c, String reason) { events.add("disconnected " + c.clientId() + ": " + reason); }
                })
                .build().start();
        MqttClient c = connect("life", null, null);
        c.subscribe("ev/t", 2);
        c.publish("ev/t", new byte[]{1}, 1, false);
        await().atMost(WAIT).until(() -> events.contains("delivered ev/t to life"));
        c.unsubscribe("ev/t");
        c.disconnect();
        await().atMost(WAIT).until(() -> events.contains("disconnected life: client disconnected"));
        assertThat(events).containsSubsequence("connected life", "subscribed ev/t 2", "published ev/t by life",
                "delivered ev/t to life", "unsubscribed ev/t", "disconnected life: client disconnected");
    }

    @Test
    void authenticatorChainAllowsDeniesAndPassesAlong() throws Exception {
        broker = Broker.builder()
                .listener(Listener.tcp("127.0.0.1", 0))
                .authenticator(c -> CompletableFuture.completedFuture("blocked".equals(c.username()) ? AuthResult.deny("banned") : AuthResult.next()))
                .authenticator(c -> CompletableFuture.supplyAsync(() -> "good".equals(c.username()) && "pw".equals(new String(c.password(), StandardCharsets.UTF_8))
                        ? AuthResult.allow() : AuthResult.next()))
                .build().start();
        assertThat(connect("a", "good", "pw").isConnected()).isTrue();
        assertThatThrownBy(() -> connect("b", "blocked", "pw")).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
        // nobody vouched for "stranger": refused, never treated as that user
        assertThatThrownBy(() -> connect("c", "stranger", "pw")).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
    }

    @Test
    void authenticatorThatNeverAnswersFailsClosedAfterTheTimeout() throws Exception {
        broker = Broker.builder()
                .listener(Listener.tcp("127.0.0.1", 0).anonymous(true))
                .settings(BrokerSettings.defaults().withAuthenticationTimeout(Duration.ofMillis(300)))
                .authenticator(c -> new CompletableFuture<>())
                .build().start();
        // refused, but as "server unavailable" (3.1.1 return code 3): a timeout says nothing about the password (issue 10)
        assertThatThrownBy(() -> connect("slow", "u", "p")).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_BROKER_UNAVAILABLE));
    }

    @Test
    void authenticatorMayRenameTheUserForAuthorization() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        broker = Broker.builder()
                .listener(Listener.tcp("127.0.0.1", 0))
                .authenticator(c -> CompletableFuture.completedFuture(AuthResult.allowAs("device-42")))
                .eventListener(new BrokerListener() {
                    public void clientConnected(ClientInfo c) { seen.add(c.username()); }
                })
                .build().start();
        connect("renamed", "whatever", "x");
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen).containsExactly("device-42");
    }

    @Test
    void deliveryAuthorizationFiltersPerRecipient() throws Exception {
        broker = TestBrokers.anonymous()
                .authorizer(new Authorizer() {
                    public Decision authorizePublish(ClientInfo c, String t, int q, boolean r) { return Decision.ALLOW; }
                    public Decision authorizeSubscribe(ClientInfo c, String f, int q) { return Decision.ALLOW; }
                    public Decision authorizeDelivery(ClientInfo c, Message m) {
                        return c.clientId().equals("blind") && m.topic().endsWith("/private") ? Decision.DENY : Decision.NEXT;
                    }
                })
                .build().start();
        List<String> blind = new CopyOnWriteArrayList<>();
        List<String> seeing = new CopyOnWriteArrayList<>();
        connect("blind", null, null).subscribe("d/#", 1, (t, m) -> blind.add(t));
        connect("seeing", null, null).subscribe("d/#", 1, (t, m) -> seeing.add(t));
        MqttClient pub = connect("d-pub", null, null);
        pub.publish("d/private", new byte[]{1}, 1, false);
        pub.publish("d/public", new byte[]{1}, 1, false);
        await().atMost(WAIT).until(() -> seeing.size() == 2 && blind.size() == 1);
        assertThat(blind).containsExactly("d/public");
    }

    @Test
    void aListenerThatCannotBindSaysWhichAndWhere() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Broker b = Broker.builder().listener(Listener.tcp("127.0.0.1", taken.getLocalPort()).named("main")).build();
            assertThatThrownBy(b::start).isInstanceOf(BrokerException.class)
                    .hasMessageContaining("listener main cannot bind 127.0.0.1:" + taken.getLocalPort());
            b.stop();
        }
    }

    @Test
    void buildingWithoutAListenerIsAnError() {
        assertThatThrownBy(() -> Broker.builder().build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("listener");
    }
}
