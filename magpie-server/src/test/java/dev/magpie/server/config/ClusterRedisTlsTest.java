package dev.magpie.server.config;

import dev.magpie.Broker;
import dev.magpie.cluster.ClusterEvents;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.NodeLease;
import dev.magpie.cluster.redis.RedisBackendSettings;
import dev.magpie.cluster.redis.RedisClusterBackend;
import dev.magpie.cluster.redis.RedisServerKit;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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
import static org.awaitility.Awaitility.await;

/**
 * {@code cluster.redis.tls} against real {@code redis-server}s on {@code --tls-port}, with certificates made by the
 * project's own CA code ({@code magpie cert}): one server that only encrypts, one that also asks every client for a
 * certificate of the same CA ({@code tls-auth-clients yes}). The node trusts the operator's CA from {@code ca_file}
 * (not the JVM's trust store, which refuses it), and presents {@code cert_file}/{@code key_file} where asked.
 */
class ClusterRedisTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static RedisTestCertificates certs;
    private static Path dir;
    private static RedisServerKit encrypting;
    private static RedisServerKit mutual;

    @BeforeAll
    static void serversWithCertificatesOfOurOwnCa() throws IOException {
        certs = RedisTestCertificates.make("magpie-redis-tls-", "Magpie test Redis CA");
        dir = certs.dir();
        encrypting = RedisServerKit.startTls(dir.resolve("redis.crt"), dir.resolve("redis.key"), dir.resolve("ca.crt"), false);
        mutual = RedisServerKit.startTls(dir.resolve("redis.crt"), dir.resolve("redis.key"), dir.resolve("ca.crt"), true);
    }

    @AfterAll
    static void stop() throws IOException {
        for (RedisServerKit server : new RedisServerKit[] {encrypting, mutual}) {
            if (server != null) {
                server.close();
            }
        }
        if (certs != null) {
            certs.delete();
        }
    }

    /** The settings the {@code cluster:} section below makes, as {@code serve} would build them. */
    private static RedisBackendSettings settings(String uri, String tlsKeys) {
        String yaml = "cluster:\n  enabled: true\n  node_id: node-tls\n  key_prefix: tls-" + UUID.randomUUID().toString()
                .substring(0, 6) + "\n  redis:\n    uri: " + uri + "\n    tls:\n      enabled: true\n" + tlsKeys;
        return new ConfigLoader(Map.of()).parse(yaml, "magpie.yaml").cluster().toSettings();
    }

    private static String caFile() {
        return "      ca_file: " + dir.resolve("ca.crt") + "\n";
    }

    private static String clientCertificate() {
        return "      cert_file: " + dir.resolve("node.crt") + "\n      key_file: " + dir.resolve("node.key") + "\n";
    }

    /** Starts a backend over {@code settings}, renews its lease and reads the members back: a round trip over TLS. */
    private static List<NodeLease> joinAndReadMembers(RedisBackendSettings settings) throws Exception {
        try (RedisClusterBackend backend = RedisClusterBackend.create(settings, NodeIdentity.fresh("node-tls"))) {
            backend.start(new ClusterEvents() { }, batch -> CompletableFuture.completedFuture(null))
                    .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            backend.renewLease(Duration.ofSeconds(10)).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return backend.members().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** The message the backend's start fails with. */
    private static String startFailure(RedisBackendSettings settings) {
        try (RedisClusterBackend backend = RedisClusterBackend.create(settings, NodeIdentity.fresh("node-tls"))) {
            CompletableFuture<Void> started = backend.start(new ClusterEvents() { },
                    batch -> CompletableFuture.completedFuture(null)).toCompletableFuture();
            assertThatThrownBy(() -> started.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            return started.handle((ok, failure) -> failure.getMessage()).join();
        }
    }

    @Test
    void aNodeTrustingTheOperatorsCaJoinsOverTls() throws Exception {
        List<NodeLease> members = joinAndReadMembers(settings(encrypting.tlsUri(), caFile()));
        assertThat(members).extracting(lease -> lease.node().nodeId() + "/" + lease.alive()).containsExactly("node-tls/true");
    }

    @Test
    void theJvmTrustStoreAloneRefusesTheOperatorsCa() {
        assertThat(startFailure(settings(encrypting.tlsUri(), "")))
                .contains("cannot connect to Redis at 127.0.0.1", "for cluster node node-tls")
                .containsIgnoringCase("certification path");
    }

    @Test
    void aRedisThatAsksForClientCertificatesTakesTheNodesAndRefusesANodeWithout() throws Exception {
        List<NodeLease> members = joinAndReadMembers(settings(mutual.tlsUri(), caFile() + clientCertificate()));
        assertThat(members).extracting(lease -> lease.node().nodeId()).containsExactly("node-tls");

        assertThat(startFailure(settings(mutual.tlsUri(), caFile()))).contains("cannot connect to Redis at 127.0.0.1");
    }

    @Test
    void aMissingCaFileStopsTheStartNamingTheFile() {
        Path missing = dir.resolve("no-such-ca.crt");
        assertThat(startFailure(settings(encrypting.tlsUri(), "      ca_file: " + missing + "\n")))
                .contains("the Redis CA file (tls ca_file) " + missing + " does not exist");
    }

    @Test
    void aBrokerFromTheClusterSectionServesAsANodeOverTls() throws Exception {
        ClusterConfig cluster = new ConfigLoader(Map.of()).parse("cluster:\n  enabled: true\n  node_id: broker-tls\n"
                + "  key_prefix: tls-broker\n  redis:\n    uri: " + encrypting.tlsUri() + "\n    tls:\n      ca_file: "
                + dir.resolve("ca.crt") + "\n", "magpie.yaml").cluster();
        Broker broker = cluster.applyTo(TestBrokers.anonymous().ioThreads(1)).build().start();
        try {
            assertThat(broker.port("tcp")).isPositive();
            // the first lease renewal runs on the lease thread just after the join
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(encrypting.command("HEXISTS", "tls-broker:members", "broker-tls")).isEqualTo("1"));
        } finally {
            broker.stop();
        }
        assertThat(encrypting.command("HEXISTS", "tls-broker:members", "broker-tls")).as("left the cluster").isEqualTo("0");
    }
}
