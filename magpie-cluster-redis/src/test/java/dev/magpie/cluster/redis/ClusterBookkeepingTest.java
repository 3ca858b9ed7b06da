package dev.magpie.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.datatypes.MqttTopicFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.Mqtt5Unsubscribe;
import dev.magpie.Broker;
import dev.magpie.cluster.ClusterEvents;
import dev.magpie.cluster.RemoteRoutes;
import dev.magpie.cluster.RouteDelta;
import dev.magpie.cluster.RouteSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cluster bookkeeping stays bounded: subscribing to 10,000 distinct filters on one node and unsubscribing them again
 * leaves no route behind, neither in Redis nor in a peer's copy, and adds no key to Redis (issue 13: memory growth
 * of cluster metadata).
 */
@Timeout(30)
class ClusterBookkeepingTest {
    private static final int FILTERS = 10_000;
    private static final int PER_PACKET = 200;
    private static RedisServerKit redis;

    private ClusterTestNodes nodes;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerKit.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void nodes() {
        nodes = new ClusterTestNodes(redis, "book");
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.close();
    }

    private static String filter(int i) {
        return "fleet/" + i + (i % 2 == 0 ? "/+" : "/#");
    }

    @Test
    void tenThousandDistinctFiltersSubscribedAndUnsubscribedLeaveNoRouteBehind() throws Exception {
        Broker a = nodes.node("a");
        Broker b = nodes.node("b");
        RedisClusterBackend observer = nodes.backend("observer");
        nodes.closeLater(observer);
        RemoteRoutes peerCopy = new RemoteRoutes(observer.self(), observer::loadRoutes);
        observer.start(new ClusterEvents() {
            @Override
            public void onRouteDelta(RouteDelta delta) {
                peerCopy.apply(delta);
            }
        }, batch -> CompletableFuture.completedFuture(null)).toCompletableFuture().join();
        long keysBefore = Long.parseLong(redis.command("DBSIZE").trim().replaceAll("\\D", ""));

        Mqtt5BlockingClient subscriber = nodes.client(b, "many-filters");
        for (int from = 0; from < FILTERS; from += PER_PACKET) {
            List<Mqtt5Subscription> packet = new ArrayList<>();
            for (int i = from; i < from + PER_PACKET; i++) {
                packet.add(Mqtt5Subscription.builder().topicFilter(filter(i)).qos(MqttQos.AT_MOST_ONCE).build());
            }
            subscriber.subscribe(Mqtt5Subscribe.builder().addSubscriptions(packet).build());
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> routesOf(observer).size() == FILTERS);
        await().atMost(Duration.ofSeconds(10)).until(() -> peerCopy.filtersOf("b").size() == FILTERS);

        for (int from = 0; from < FILTERS; from += PER_PACKET) {
            List<MqttTopicFilter> packet = new ArrayList<>();
            for (int i = from; i < from + PER_PACKET; i++) {
                packet.add(MqttTopicFilter.of(filter(i)));
            }
            subscriber.unsubscribe(Mqtt5Unsubscribe.builder().addTopicFilters(packet).build());
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> routesOf(observer).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> peerCopy.filtersOf("b").isEmpty());
        long keysAfter = Long.parseLong(redis.command("DBSIZE").trim().replaceAll("\\D", ""));
        assertThat(redis.command("EXISTS", nodes.prefix() + ":{n:b}:routes")).as("the emptied route set is gone").isEqualTo("0");
        // the connected client's owner hash and its node's client set, and the node's route metadata from its first
        // route change; never one per filter
        assertThat(keysAfter - keysBefore).as("keys left after 10,000 filters came and went").isLessThanOrEqualTo(3);

        // the node still routes: one more filter crosses from a to b
        Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        nodes.closeLater(publishes::close);
        subscriber.subscribeWith().topicFilter("after/all").qos(MqttQos.AT_MOST_ONCE).send();
        Mqtt5BlockingClient publisher = nodes.client(a, "publisher");
        Optional<Mqtt5Publish>[] got = new Optional[] {Optional.empty()};
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            publisher.publishWith().topic("after/all").payload("x".getBytes(StandardCharsets.UTF_8)).send();
            got[0] = publishes.receive(150, TimeUnit.MILLISECONDS);
            return got[0].isPresent();
        });
        assertThat(got[0].get().getTopic().toString()).isEqualTo("after/all");
    }

    private static Set<String> routesOf(RedisClusterBackend observer) {
        return observer.loadRoutes("b").toCompletableFuture().join().map(RouteSnapshot::filters).orElse(Set.of());
    }
}
