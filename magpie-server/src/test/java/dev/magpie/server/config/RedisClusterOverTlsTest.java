package dev.magpie.server.config;

import dev.magpie.cluster.ClusterEvents;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.RetainedEntry;
import dev.magpie.cluster.redis.RedisBackendSettings;
import dev.magpie.cluster.redis.RedisClusterBackend;
import dev.magpie.cluster.redis.RedisClusterKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code cluster.redis.cluster_nodes} with {@code password} and {@code tls} against a real three-master Redis Cluster
 * that speaks only TLS to clients, asks each for a certificate of our CA ({@code tls-auth-clients yes}) and requires a
 * password: given one seed, the node reaches every master with the same CA, client certificate and password (its
 * writes land on all three), and without a client certificate it is refused.
 */
@Timeout(30)
class RedisClusterOverTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PASSWORD = "tls-cluster-pw";
    private static RedisTestCertificates certs;
    private static Path dir;
    private static RedisClusterKit cluster;

    @BeforeAll
    static void clusterWithCertificatesOfOurOwnCa() throws IOException {
        certs = RedisTestCertificates.make("magpie-redis-cluster-tls-", "Magpie test Redis Cluster CA");
        dir = certs.dir();
        cluster = RedisClusterKit.startTls(PASSWORD, dir.resolve("redis.crt"), dir.resolve("redis.key"),
                dir.resolve("ca.crt"), dir.resolve("node.crt"), dir.resolve("node.key"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        if (certs != null) {
            certs.delete();
        }
    }

    /** The settings a {@code cluster:} section with one TLS seed, the password and {@code tlsKeys} makes. */
    private static RedisBackendSettings settings(String tlsKeys) {
        String yaml = "cluster:\n  enabled: true\n  node_id: node-tls\n  key_prefix: rct-" + UUID.randomUUID().toString()
                .substring(0, 6) + "\n  redis:\n    cluster_nodes: [\"" + cluster.tlsNodes().get(1) + "\"]\n"
                + "    password: " + PASSWORD + "\n    tls:\n      enabled: true\n      ca_file: " + dir.resolve("ca.crt") + "\n"
                + tlsKeys;
        return new ConfigLoader(Map.of()).parse(yaml, "magpie.yaml").cluster().toSettings();
    }

    @Test
    void aNodeGivenOneTlsSeedReachesEveryMasterWithTheSameCertificateAndPassword() throws Exception {
        RedisBackendSettings settings = settings("      cert_file: " + dir.resolve("node.crt") + "\n      key_file: "
                + dir.resolve("node.key") + "\n");
        try (RedisClusterBackend backend = RedisClusterBackend.create(settings, NodeIdentity.fresh("node-tls"))) {
            backend.start(new ClusterEvents() { }, batch -> CompletableFuture.completedFuture(null))
                    .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            backend.renewLease(Duration.ofSeconds(10)).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(backend.members().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .anySatisfy(member -> assertThat(member.alive()).isTrue());
            // 40 topics spread over the 16 retained buckets, which live on all three masters
            for (int i = 0; i < 40; i++) {
                backend.setRetained("tls/" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)).toCompletableFuture()
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            List<RetainedEntry> stored = backend.loadRetained().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(stored).hasSize(40);
            for (int port : cluster.ports()) {
                assertThat(Integer.parseInt(cluster.command(port, "DBSIZE"))).as("keys on the master at %d", port)
                        .isPositive();
            }
        }
    }

    @Test
    void withoutAClientCertificateTheClusterRefusesTheNode() {
        try (RedisClusterBackend backend = RedisClusterBackend.create(settings(""), NodeIdentity.fresh("node-tls"))) {
            CompletableFuture<Void> started = backend.start(new ClusterEvents() { },
                    batch -> CompletableFuture.completedFuture(null)).toCompletableFuture();
            assertThatThrownBy(() -> started.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("cannot connect to Redis at the Redis Cluster [127.0.0.1:")
                    .hasMessageContaining("certificate");
        }
    }
}
