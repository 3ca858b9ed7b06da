package dev.magpie.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.redis.RedisBackendSettings;
import dev.magpie.cluster.redis.RedisClusterBackend;
import dev.magpie.cluster.redis.RedisServerKit;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code GET /api/v1/cluster}: nothing but {@code enabled: false} alone, a node's members and counts in a cluster. */
class AdminApiClusterTest {

    @Test
    void aSingleBrokerSaysItIsNotAClusterNode() throws Exception {
        try (ApiBroker api = new ApiBroker().login()) {
            ApiBroker.Answer answer = api.get("/api/v1/cluster");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body().get("enabled").asBoolean()).isFalse();
            assertThat(answer.body().size()).isEqualTo(1);
        }
    }

    @Test
    void twoNodesOverARealRedisListEachOtherAlive() throws Exception {
        try (RedisServerKit redis = RedisServerKit.start();
             RedisClusterBackend peer = RedisClusterBackend.create(RedisBackendSettings.of(redis.uri()), NodeIdentity.fresh("peer"));
             ApiBroker api = new ApiBroker(builder -> builder.cluster(RedisClusterBackend.create(RedisBackendSettings.of(redis.uri()),
                     NodeIdentity.fresh("api-node"))))) {
            peer.start(new dev.magpie.cluster.ClusterEvents() { }, batch -> java.util.concurrent.CompletableFuture.completedFuture(null))
                    .toCompletableFuture().join();
            peer.renewLease(Duration.ofSeconds(30)).toCompletableFuture().join();
            api.login();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode body = api.get("/api/v1/cluster").body();
                assertThat(body.get("enabled").asBoolean()).isTrue();
                assertThat(body.get("nodeId").asText()).isEqualTo("api-node");
                assertThat(body.get("nodes").asInt()).isEqualTo(2);
                assertThat(body.get("members")).extracting(m -> m.get("nodeId").asText() + "/" + m.get("state").asText()
                        + "/" + m.get("self").asBoolean()).containsExactlyInAnyOrder("api-node/alive/true", "peer/alive/false");
                assertThat(body.at("/messages/dropped").asLong()).isZero();
                assertThat(body.at("/routes/remoteFilters").asInt()).isZero();
            });
        }
    }
}
