package dev.magpie.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.LoginLimits;
import dev.magpie.security.password.PasswordHasher;
import dev.magpie.spi.Decision;
import dev.magpie.store.UserStore;
import dev.magpie.store.UserStoreAuthenticator;
import dev.magpie.store.UserStoreAuthorizer;
import dev.magpie.testkit.PahoOptions;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An in-process broker with the admin API for tests: an MQTT tcp listener (users of an in-memory database, anonymous
 * clients too) and a ws listener on loopback serving {@code /api/v1}; users boss (admin), alice and bob. Calls go over
 * real HTTP ({@link HttpClient}); every error answer is checked to have {@code error.code} and {@code error.message}.
 */
final class ApiBroker implements AutoCloseable {
    static final String ADMIN = "boss";
    static final String ADMIN_PASSWORD = "boss-pw";
    static final ObjectMapper JSON = new ObjectMapper();

    final UserStore users = UserStore.inMemory(new PasswordHasher(1_000));
    final Broker broker;
    final AdminApi api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;
    /** The MQTT clients made by {@link #v3}, closed with the broker. */
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    /** An answer: status, JSON body (a missing node when empty) and the response. */
    record Answer(int status, JsonNode body, HttpResponse<String> response) {
        Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }
    }

    ApiBroker() {
        this(Listener.ws("127.0.0.1", 0).named("ws"), JsonNodeFactory.instance.objectNode());
    }

    /** The default API broker, with {@code extra} applied to its builder (e.g. making it a cluster node). */
    ApiBroker(java.util.function.Consumer<Broker.Builder> extra) {
        this(Listener.ws("127.0.0.1", 0).named("ws"), JsonNodeFactory.instance.objectNode(), extra);
    }

    ApiBroker(Listener apiListener, JsonNode config) {
        this(apiListener, config, builder -> { });
    }

    ApiBroker(Listener apiListener, JsonNode config, java.util.function.Consumer<Broker.Builder> extra) {
        users.add(ADMIN, ADMIN_PASSWORD.toCharArray(), true);
        users.add("alice", "alice-pw".toCharArray());
        users.add("bob", "bob-pw".toCharArray());
        api = new AdminApi(users, "test", Duration.ofMinutes(5), name -> true, () -> config, Optional::empty);
        Broker.Builder builder = Broker.builder()
                .listener(Listener.tcp("127.0.0.1", 0).anonymous(true))
                .listener(apiListener)
                .authenticator(new UserStoreAuthenticator(users, new PasswordHasher(1_000)))
                .authorizer(new UserStoreAuthorizer(users, Decision.ALLOW))
                .loginLimits(LoginLimits.defaults().toBuilder().freeFailures(3).build())
                .httpRoute(AdminApi.PATH, api);
        extra.accept(builder);
        broker = builder.build();
        api.attach(broker.admin());
        broker.start();
    }

    String mqttUri() {
        return "tcp://127.0.0.1:" + broker.port("tcp");
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + broker.port("ws") + pathAndQuery);
    }

    /** Logs in as the admin; later calls carry its token. */
    ApiBroker login() {
        Answer a = post("/api/v1/login", "{\"username\":\"" + ADMIN + "\",\"password\":\"" + ADMIN_PASSWORD + "\"}", null);
        assertThat(a.status()).as("login: %s", a.body()).isEqualTo(200);
        token = a.body().get("token").asText();
        return this;
    }

    String token() {
        return token;
    }

    Answer get(String path) {
        return call("GET", path, null, bearer());
    }

    Answer delete(String path) {
        return call("DELETE", path, null, bearer());
    }

    Answer post(String path, String json) {
        return call("POST", path, json, bearer());
    }

    Answer post(String path, String json, String authorization) {
        return call("POST", path, json, authorization);
    }

    Answer put(String path, String json) {
        return call("PUT", path, json, bearer());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private String bearer() {
        return token == null ? null : "Bearer " + token;
    }

    Answer call(String method, String path, String json, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(15))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isEmpty() ? JSON.missingNode() : JSON.readTree(r.body());
            if (r.statusCode() >= 400) {
                assertThat(body.path("error").path("code").asText()).as("error code of %s %s", method, path).matches("[a-z_]+");
                assertThat(body.path("error").path("message").asText()).as("error message of %s %s", method, path).isNotBlank();
            }
            return new Answer(r.statusCode(), body, r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A Paho 3.1.1 client connected to the MQTT listener, as {@code user} (password {@code user-pw}) or anonymous
     * ({@code null}); each message it gets is added to {@code received} as {@code topic=payload}, and {@code lost} runs
     * when the broker closes it. Closed by {@link #close()}, also when its connect was refused.
     */
    MqttClient v3(String id, String user, boolean clean, List<String> received, Runnable lost) throws MqttException {
        MqttClient c = new MqttClient(mqttUri(), id, new MemoryPersistence());
        MqttConnectOptions o = PahoOptions.v3();
        o.setCleanSession(clean);
        o.setKeepAliveInterval(30);
        if (user != null) {
            o.setUserName(user);
            o.setPassword((user + "-pw").toCharArray());
        }
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.run();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        clients.add(c);
        c.connect(o);
        return c;
    }

    @Override
    public void close() {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(100, 100);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // gone already
            }
        }
        broker.stop();
        users.close();
    }
}
