package dev.magpie.examples.embedded;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The seed's mosca server, in Java:
 * <ul>
 *   <li>users are checked against stored credentials (here a map; the built-in user database comes with the
 *       security milestone), like the seed's {@code authenticate};</li>
 *   <li>everyone may publish and subscribe under {@code /public/...}, a user only under {@code /users/<own name>/...}
 *       (the seed's {@code authorizePublish}/{@code authorizeSubscribe}); the seed's two demo topics {@code test1}
 *       (publish) and {@code other} (subscribe) are also open, so its {@code published} handler can be seen working;</li>
 *   <li>when someone subscribes, an announcement goes to {@code /public/systemInfo};</li>
 *   <li>when {@code test1} is published, the server replies on {@code other} with "This is server".</li>
 * </ul>
 * Run it with {@code mvn -q -pl examples/embedded exec:java} or from an IDE; it listens on 127.0.0.1:1883.
 */
public final class SeedBroker {
    private static final Logger LOG = LoggerFactory.getLogger(SeedBroker.class);

    private SeedBroker() {
    }

    /** Builds (does not start) the seed broker on {@code host:port}; {@code users} maps names to passwords. */
    public static Broker create(String host, int port, Map<String, String> users) {
        AtomicReference<Broker> self = new AtomicReference<>();
        Broker broker = Broker.builder()
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
                })
                .build();
        self.set(broker);
        return broker;
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

    public static void main(String[] args) throws InterruptedException {
        Broker broker = create("127.0.0.1", 1883, Map.of("test", "123456")).start();
        LOG.info("Mqtt Server is running...");
        CountDownLatch stopped = new CountDownLatch(1);
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop();
            stopped.countDown();
        }));
        stopped.await();
    }
}
