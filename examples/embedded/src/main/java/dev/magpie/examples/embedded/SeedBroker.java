package dev.magpie.examples.embedded;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.WebSocketSettings;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.HttpRoute;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The seed's mosca server, in Java:
 * <ul>
 *   <li>users are checked against stored credentials (here a map of names to passwords, as in the seed; the
 *       standalone server's user database, {@code bin/magpie user add}, is the same idea with hashed passwords),
 *       like the seed's {@code authenticate};</li>
 *   <li>everyone may publish and subscribe under {@code /public/...}, a user only under {@code /users/<own name>/...}
 *       (the seed's {@code authorizePublish}/{@code authorizeSubscribe}); the seed's two demo topics {@code test1}
 *       (publish) and {@code other} (subscribe) are also open, so its {@code published} handler can be seen working;</li>
 *   <li>when someone subscribes, an announcement goes to {@code /public/systemInfo};</li>
 *   <li>when {@code test1} is published, the server replies on {@code other} with "This is server";</li>
 *   <li>the seed's other half: an HTTPS server (port 443 in the seed) that answers "hello world!" at {@code /} and
 *       carries MQTT over secure WebSocket on the same port, for the WeChat mini program's {@code wxs://host}
 *       (MQTT.js asks for {@code /}; {@code /mqtt} works too). Its certificate is made by Magpie's own
 *       certificate code on first start ({@link SeedCertificates}), no openssl.</li>
 * </ul>
 * Run it from an IDE, or from the release archive:
 * {@code java -cp lib/magpie.jar:examples/embedded/magpie-example-embedded.jar dev.magpie.examples.embedded.SeedBroker}
 * (arguments: the MQTT port, default 1883, and the HTTPS port, default 443, which needs root or
 * {@code CAP_NET_BIND_SERVICE}; 8443 does not). The certificates go to {@code seed-certs/} in the working directory.
 */
public final class SeedBroker {
    private static final Logger LOG = LoggerFactory.getLogger(SeedBroker.class);

    private SeedBroker() {
    }

    /**
     * Builds (does not start) the seed broker's MQTT half on {@code host:port}.
     *
     * @param host  the address to listen on
     * @param port  the MQTT port (1883 in the seed; 0 for any free one)
     * @param users user names to passwords
     * @return the broker, not started
     */
    public static Broker create(String host, int port, Map<String, String> users) {
        AtomicReference<Broker> self = new AtomicReference<>();
        return built(builder(host, port, users, self), self);
    }

    /**
     * Builds (does not start) the whole seed program: MQTT on {@code mqttPort}, and HTTPS with "hello world!" at
     * {@code /} and MQTT over secure WebSocket ({@code wxs://}) on {@code httpsPort}, the listener named "wss".
     *
     * @param host      the address to listen on
     * @param mqttPort  the MQTT port (1883 in the seed; 0 for any free one)
     * @param httpsPort the HTTPS port (443 in the seed; 0 for any free one)
     * @param tls       the server certificate and key of the HTTPS port, e.g. from {@link SeedCertificates#ensure}
     * @param users     user names to passwords
     * @return the broker, not started
     */
    public static Broker create(String host, int mqttPort, int httpsPort, TlsSettings tls, Map<String, String> users) {
        AtomicReference<Broker> self = new AtomicReference<>();
        Broker.Builder builder = builder(host, mqttPort, users, self)
                // "/" upgrades for MQTT.js in a mini program (wxs://host), "/mqtt" for everyone else; a plain GET of
                // "/" is the route below
                .listener(Listener.wss(host, httpsPort, tls).withWebSocket(WebSocketSettings.defaults().withPaths("/", "/mqtt")))
                .httpRoute("/", request -> HttpRoute.Response.text("hello world!"));
        return built(builder, self);
    }

    /** The handlers publish through the broker they belong to, which exists only once built. */
    private static Broker built(Broker.Builder builder, AtomicReference<Broker> self) {
        Broker broker = builder.build();
        self.set(broker);
        return broker;
    }

    private static Broker.Builder builder(String host, int port, Map<String, String> users, AtomicReference<Broker> self) {
        return Broker.builder()
                .listener(Listener.tcp(host, port))
                .authenticator(passwordCheck(users))
                .authorizer(new SeedTopics())
                .eventListener(new BrokerListener() {
                    @Override
                    public void clientConnected(ClientInfo client) {
                        LOG.info("client connected: {}", client.clientId());
                    }

                    @Override
                    public void subscribed(ClientInfo client, String filter, int qos) {
                        self.get().publish("/public/systemInfo", client.username() + " has subscribed topic: " + filter);
                    }

                    @Override
                    public void unsubscribed(ClientInfo client, String filter) {
                        LOG.info("unsubscribed: {}", filter);
                    }

                    @Override
                    public void clientDisconnected(ClientInfo client, String reason) {
                        LOG.info("client disconnected: {} ({})", client.clientId(), reason);
                    }

                    @Override
                    public void published(ClientInfo publisher, Message message) {
                        if (message.topic().equals("test1")) {
                            LOG.info("test1: {}", message.payloadAsString());
                            self.get().publish("other", "This is server"); // the server also receives it
                        }
                    }
                });
    }

    /** Accepts a user whose password matches the stored one (compared in constant time). */
    static Authenticator passwordCheck(Map<String, String> users) {
        return credentials -> {
            String stored = credentials.username() == null ? null : users.get(credentials.username());
            boolean ok = stored != null && credentials.password() != null
                    && MessageDigest.isEqual(stored.getBytes(StandardCharsets.UTF_8), credentials.password());
            return CompletableFuture.completedFuture(ok ? AuthResult.allow() : AuthResult.deny("bad user name or password"));
        };
    }

    /** The seed's topic rule: split on '/', level 1 decides; the same rule for publish and subscribe. */
    static final class SeedTopics implements Authorizer {
        @Override
        public Decision authorizePublish(ClientInfo client, String topic, int qos, boolean retain) {
            return topic.equals("test1") ? Decision.ALLOW : decide(client, topic);
        }

        @Override
        public Decision authorizeSubscribe(ClientInfo client, String filter, int qos) {
            return filter.equals("other") ? Decision.ALLOW : decide(client, filter);
        }

        private static Decision decide(ClientInfo client, String topic) {
            String[] levels = topic.split("/", -1);
            if (levels.length > 2 && levels[1].equals("public")) {
                return Decision.ALLOW;
            }
            if (levels.length > 2 && levels[1].equals("users")) {
                // a '+' or '#' in level 2 is not a user name, so it never matches: no widening through wildcards
                return levels[2].equals(client.username()) ? Decision.ALLOW : Decision.DENY;
            }
            return Decision.DENY;
        }
    }

    /**
     * Starts the whole seed program on all interfaces: MQTT on the first argument's port (default 1883), HTTPS and
     * {@code wxs://} on the second's (default 443), with the seed's user test / 123456.
     *
     * @param args optionally the MQTT port and the HTTPS port
     * @throws Exception when the certificates cannot be made or a port cannot be bound
     */
    public static void main(String[] args) throws Exception {
        int mqttPort = args.length > 0 ? Integer.parseInt(args[0]) : 1883;
        int httpsPort = args.length > 1 ? Integer.parseInt(args[1]) : 443;
        SeedCertificates certificates = SeedCertificates.ensure(Path.of("seed-certs"), "localhost");
        Broker broker = create("0.0.0.0", mqttPort, httpsPort, certificates.tls(), Map.of("test", "123456")).start();
        LOG.info("Mqtt Server is running... (MQTT on {}, https and wxs:// on {}; clients trust {})", broker.port("tcp"),
                broker.port("wss"), certificates.caCertificate().toAbsolutePath());
        CountDownLatch stopped = new CountDownLatch(1);
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop();
            stopped.countDown();
        }));
        stopped.await();
    }
}
