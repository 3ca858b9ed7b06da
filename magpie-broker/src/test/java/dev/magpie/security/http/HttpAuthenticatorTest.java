package dev.magpie.security.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.security.acl.GrantedAcl;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Credentials;
import dev.magpie.testkit.LogCapture;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link HttpAuthenticator} against a real HTTP endpoint on 127.0.0.1 (the JDK's HttpServer). */
class HttpAuthenticatorTest {
    /** What the endpoint answers: status and body. */
    record Reply(int status, String body) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private HttpServer server;
    private final List<Map<String, Object>> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizationHeaders = new CopyOnWriteArrayList<>();
    private volatile Function<Map<String, Object>, Reply> endpoint = r -> new Reply(200, "{\"result\":\"allow\"}");
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpAuthenticator authenticator;
    private Broker broker;

    @BeforeEach
    void startEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/auth", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> request = json.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
        requests.add(request);
        authorizationHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        Reply reply = endpoint.apply(request);
        if (reply != null && reply.status() == 0) { // a trickling endpoint: 200 and the start of a body that never ends
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write('{');
            exchange.getResponseBody().flush();
            reply = null;
        }
        if (reply == null) { // a hung endpoint: answer only when the test ends
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply = new Reply(200, "{\"result\":\"allow\"}");
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (broker != null) {
            broker.stop();
        }
        if (authenticator != null) {
            authenticator.close();
        }
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private HttpAuthenticator.Builder builder() {
        return HttpAuthenticator.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/auth"));
    }

    private AuthResult ask(String username, String password) throws Exception {
        Credentials c = new Credentials("c-" + username, username, password == null ? null : password.getBytes(StandardCharsets.UTF_8),
                new InetSocketAddress("127.0.0.1", 40000), List.of(), "tcp");
        return authenticator.authenticate(c).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void postsTheCredentialsAsJsonAndFollowsTheAnswer() throws Exception {
        endpoint = r -> switch (String.valueOf(r.get("username"))) {
            case "alice" -> new Reply(200, "{\"result\":\"allow\",\"username\":\"tenant1/alice\"}");
            case "bob" -> new Reply(200, "{\"result\":\"deny\"}");
            case "carol" -> new Reply(200, "{\"result\":\"ignore\"}");
            case "dave" -> new Reply(403, "");
            default -> new Reply(200, "");
        };
        authenticator = builder().header("Authorization", "Bearer broker-token").build();
        AuthResult alice = ask("alice", "pw\"1");
        assertThat(alice.outcome()).isEqualTo(AuthResult.Outcome.ALLOW);
        assertThat(alice.username()).contains("tenant1/alice");
        assertThat(requests.get(0)).containsEntry("clientid", "c-alice").containsEntry("username", "alice")
                .containsEntry("password", "pw\"1").containsEntry("remote_address", "127.0.0.1").containsEntry("listener", "tcp");
        assertThat(authorizationHeaders).containsOnly("Bearer broker-token");
        assertThat(ask("bob", "x").outcome()).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(ask("carol", "x").outcome()).isEqualTo(AuthResult.Outcome.NEXT);
        assertThat(ask("dave", "x").outcome()).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(ask("erin", "x").outcome()).isEqualTo(AuthResult.Outcome.ALLOW); // empty 2xx body
    }

    @Test
    void binaryPasswordTravelsAsBase64() throws Exception {
        authenticator = builder().build();
        Credentials c = new Credentials("bin", "u", new byte[]{(byte) 0xff, 0, 1}, new InetSocketAddress("127.0.0.1", 1), List.of(), "tcp");
        authenticator.authenticate(c).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(requests.get(0)).containsEntry("password_base64", "/wAB").doesNotContainKey("password");
    }

    @Test
    void decisionsAreCachedPerCredentialsUntilTheTtlExpires() throws Exception {
        authenticator = builder().cacheTtl(Duration.ofMillis(400)).build();
        assertThat(ask("alice", "pw").outcome()).isEqualTo(AuthResult.Outcome.ALLOW);
        assertThat(ask("alice", "pw").outcome()).isEqualTo(AuthResult.Outcome.ALLOW);
        assertThat(requests).hasSize(1);
        // another password is another key: a cached allow never admits a wrong password
        endpoint = r -> new Reply(200, "{\"result\":\"deny\"}");
        assertThat(ask("alice", "guess").outcome()).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(requests).hasSize(2);
        // after the TTL the endpoint is asked again, and its new answer counts
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> ask("alice", "pw").outcome() == AuthResult.Outcome.DENY);
        assertThat(requests.size()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void cacheIsBounded() throws Exception {
        authenticator = builder().cacheSize(2).build();
        for (String user : List.of("a", "b", "c", "d")) {
            ask(user, "pw");
        }
        assertThat(authenticator.cachedDecisions()).isEqualTo(2);
        ask("d", "pw"); // the most recent survived
        assertThat(requests).hasSize(4);
    }

    @Test
    void slowEndpointFailsClosedAfterTheTimeoutWithOneLogLine() throws Exception {
        endpoint = r -> null;
        authenticator = builder().timeout(Duration.ofMillis(300)).build();
        try (LogCapture log = LogCapture.of(HttpAuthenticator.class)) {
            long start = System.nanoTime();
            assertThat(ask("alice", "pw").outcome()).isEqualTo(AuthResult.Outcome.DENY);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(log.messages()).singleElement().asString().contains("failed").contains("client c-alice refused");
            assertThat(log.anyStackTrace()).isFalse();
        }
    }

    @Test
    void endpointThatNeverFinishesItsBodyFailsClosedAfterTwiceTheTimeout() throws Exception {
        // the JDK client's request timeout ends at the status line; the body is cut separately
        endpoint = r -> new Reply(0, "");
        authenticator = builder().timeout(Duration.ofMillis(300)).build();
        long start = System.nanoTime();
        assertThat(ask("alice", "pw").outcome()).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void hugeAnswerIsAFailureReadNoFurtherThanTheLimit() throws Exception {
        // an endpoint answering megabytes must not fill the heap: 64 KiB are read, then the exchange is cancelled
        endpoint = r -> new Reply(200, "{\"result\":\"allow\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}");
        authenticator = builder().build();
        try (LogCapture log = LogCapture.of(HttpAuthenticator.class)) {
            assertThat(ask("alice", "pw").outcome()).isEqualTo(AuthResult.Outcome.DENY);
            assertThat(log.messages()).singleElement().asString().contains("answer longer than 65536 bytes");
        }
    }

    @Test
    void serverErrorDeniesByDefaultOrPassesOnWhenConfiguredAndIsNeverCached() throws Exception {
        endpoint = r -> new Reply(500, "oops");
        authenticator = builder().build();
        assertThat(ask("alice", "pw").outcome()).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(ask("alice", "pw").outcome()).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(requests).hasSize(2);
        authenticator.close();
        authenticator = builder().onError(HttpAuthenticator.OnError.NEXT).build();
        assertThat(ask("alice", "pw").outcome()).isEqualTo(AuthResult.Outcome.NEXT);
    }

    @Test
    void malformedAnswersAreFailuresNotAllows() throws Exception {
        authenticator = builder().cacheTtl(Duration.ZERO).build();
        for (String body : List.of("{\"result\":", "[\"allow\"]", "{\"result\":\"yes\"}", "{\"result\":\"allow\",\"acl\":{\"pub\":\"x\"}}",
                // strict JSON (RFC 8259): trailing text, a trailing comma, a duplicate key that could override "deny", comments
                "{\"result\":\"allow\"} x", "{\"result\":\"allow\",}", "{\"result\":\"deny\",\"result\":\"allow\"}",
                "{\"result\":\"allow\"/* c */}", "{'result':'allow'}", "{\"result\":\"\\x\"}")) {
            endpoint = r -> new Reply(200, body);
            assertThat(ask("alice", "pw").outcome()).as(body).isEqualTo(AuthResult.Outcome.DENY);
        }
    }

    @Test
    void deeplyNestedAnswerIsAFailureWithOneLogLineNotAStackOverflow() throws Exception {
        // a hostile endpoint (or one in the middle) must not exhaust the parser's stack: nesting is bounded at 32
        endpoint = r -> new Reply(200, "{\"result\":\"allow\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}");
        authenticator = builder().build();
        try (LogCapture log = LogCapture.of(HttpAuthenticator.class)) {
            assertThat(ask("alice", "pw").outcome()).isEqualTo(AuthResult.Outcome.DENY);
            assertThat(log.messages()).singleElement().asString().contains("malformed JSON").contains("nesting depth");
            assertThat(log.anyStackTrace()).isFalse();
        }
    }

    @Test
    void requestStringsWithQuotesControlsAndNonAsciiReachTheEndpointExactly() throws Exception {
        authenticator = builder().build();
        String password = "quote\" back\\ nl\n tab\t ctl\u0001 é 😀";
        ask("alice", password);
        assertThat(requests.get(0)).containsEntry("password", password).containsEntry("remote_port", 40000);
    }

    @Test
    void endpointMayGrantAnAclAndRenameARealClient() throws Exception {
        endpoint = r -> new Reply(200, "{\"result\":\"allow\",\"username\":\"dev-7\",\"acl\":{\"pub\":[\"devices/%u/up\"]}}");
        authenticator = builder().build();
        List<ClientInfo> seen = new CopyOnWriteArrayList<>();
        broker = Broker.builder().listener(Listener.tcp("127.0.0.1", 0)).authenticator(authenticator)
                .eventListener(new BrokerListener() {
                    @Override
                    public void clientConnected(ClientInfo client) {
                        seen.add(client);
                    }
                }).build().start();
        MqttClient client = new MqttClient(TestBrokers.uri(broker), "http-client", new MemoryPersistence());
        MqttConnectOptions options = PahoOptions.v3();
        options.setUserName("device");
        options.setPassword("pw".toCharArray());
        client.connect(options);
        await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
        assertThat(seen.get(0).username()).isEqualTo("dev-7");
        assertThat(seen.get(0).attribute(GrantedAcl.ATTRIBUTE, GrantedAcl.class)).hasValueSatisfying(
                g -> assertThat(g.rules()).singleElement().satisfies(rule -> assertThat(rule.filter()).isEqualTo("devices/%u/up")));
        client.disconnect();
        client.close();
    }
}
