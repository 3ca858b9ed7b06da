package dev.magpie.cluster.redis;

import java.util.concurrent.atomic.AtomicInteger;

import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.ClusterBackendContract;
import dev.magpie.cluster.NodeIdentity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The backend contract against a real redis-server; each test gets its own key prefix. */
class RedisClusterBackendTest extends ClusterBackendContract {
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static RedisServerKit redis;

    private final String prefix = "t" + TESTS.incrementAndGet();

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

    @Override
    protected ClusterBackend newBackend(String nodeId) {
        return RedisClusterBackend.create(RedisBackendSettings.of(redis.uri()).withKeyPrefix(prefix),
                NodeIdentity.fresh(nodeId));
    }

    @Override
    protected void simulateReconnect(ClusterBackend backend) throws Exception {
        redis.killClients("normal", "pubsub");
    }
}
