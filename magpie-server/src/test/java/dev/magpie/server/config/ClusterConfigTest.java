package dev.magpie.server.config;

import dev.magpie.cluster.ClusterSettings;
import com.fasterxml.jackson.databind.JsonNode;
import dev.magpie.cluster.redis.RedisBackendSettings;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code cluster:} section: off by default, its three Redis forms (one Redis, Sentinels, a Redis Cluster), TLS files, the lease, node ids, the environment,
 * errors at their line.
 */
class ClusterConfigTest {

    private static MagpieConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse(yaml, "magpie.yaml");
    }

    @Test
    void aClusterIsOffByDefaultAndPointsAtALocalRedis() {
        ClusterConfig cluster = parse("log_level: info\n").cluster();
        assertThat(cluster).isEqualTo(ClusterConfig.DEFAULTS);
        assertThat(cluster.enabled()).isFalse();
        assertThat(cluster.toSettings().uri()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(cluster.toSettings().keyPrefix()).isEqualTo("magpie");
    }

    @Test
    void theKeysAreReadAndReachTheBackendSettings() {
        ClusterConfig cluster = parse("cluster:\n  enabled: true\n  node_id: node-1\n  key_prefix: prod\n"
                + "  command_timeout: 500ms\n  redis_down: serve_local\n"
                + "  redis:\n    uri: redis://10.0.0.5:6380/1\n    password: s3cret\n    tls:\n      enabled: true\n").cluster();
        assertThat(cluster.enabled()).isTrue();
        assertThat(cluster.effectiveNodeId()).isEqualTo("node-1");
        RedisBackendSettings settings = cluster.toSettings();
        assertThat(settings.uri()).isEqualTo("rediss://:s3cret@10.0.0.5:6380/1");
        assertThat(settings.keyPrefix()).isEqualTo("prod");
        assertThat(settings.commandTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(cluster.toString()).doesNotContain("s3cret");
    }

    @Test
    void sentinelsReplaceTheDefaultUri() {
        ClusterConfig cluster = parse("cluster:\n  redis:\n    sentinel:\n      master: mymaster\n"
                + "      nodes: [\"10.0.0.1:26379\", \"10.0.0.2:26379\"]\n").cluster();
        assertThat(cluster.redis().uri()).isEmpty();
        assertThat(cluster.toSettings().uri()).isEqualTo("redis-sentinel://10.0.0.1:26379,10.0.0.2:26379#mymaster");
    }

    @Test
    void aUriAndSentinelsTogetherAreRefusedAtTheirLine() {
        assertThatThrownBy(() -> parse("cluster:\n  redis:\n    uri: redis://a:6379\n    sentinel:\n      master: m\n"
                + "      nodes: [\"b:26379\"]\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line 2")
                .hasMessageContaining("exactly one of uri, sentinel and cluster_nodes");
    }

    @Test
    void redisClusterSeedsReachTheBackendWithThePasswordAndTlsForEveryNode() {
        ClusterConfig cluster = parse("cluster:\n  enabled: true\n  key_prefix: prod\n  redis:\n"
                + "    cluster_nodes: [\"10.0.0.1:7000\", \"redis-2.internal:7001\"]\n    password: \"p@ss:w/rd\"\n"
                + "    tls:\n      enabled: true\n      ca_file: /etc/magpie/ca.crt\n").cluster();
        assertThat(cluster.redis().uri()).as("cluster_nodes replace the default uri").isEmpty();
        RedisBackendSettings settings = cluster.toSettings();
        assertThat(settings.isCluster()).isTrue();
        assertThat(settings.keyPrefix()).isEqualTo("prod");
        assertThat(settings.tls()).isEqualTo(RedisBackendSettings.Tls.trusting("/etc/magpie/ca.crt"));
        assertThat(settings.clusterNodes()).hasSize(2).allSatisfy(node -> {
            RedisURI uri = RedisURI.create(node);
            assertThat(uri.isSsl()).as("TLS to every seed").isTrue();
            assertThat(new String(uri.getCredentialsProvider().resolveCredentials().block().getPassword()))
                    .isEqualTo("p@ss:w/rd");
        });
        assertThat(settings.clusterNodes()).extracting(node -> RedisURI.create(node).getHost() + ":" + RedisURI.create(node).getPort())
                .containsExactly("10.0.0.1:7000", "redis-2.internal:7001");
        assertThat(cluster.toString()).doesNotContain("p@ss");
        assertThat(settings.toString()).doesNotContain("p%40ss").doesNotContain("p@ss");
        // without TLS and password
        assertThat(parse("cluster:\n  enabled: true\n  redis:\n    cluster_nodes: [\"127.0.0.1:7000\"]\n").cluster()
                .toSettings().clusterNodes()).containsExactly("redis://127.0.0.1:7000");
    }

    @Test
    void aRedisClusterNodeThatIsNotHostPortOrBesideAUriIsRefusedAtItsLine() {
        assertThatThrownBy(() -> parse("cluster:\n  redis:\n    cluster_nodes: [\"10.0.0.1:7000\", \"redis://b:7000\"]\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line 2")
                .hasMessageContaining("cluster.redis.cluster_nodes: 'redis://b:7000' is not host:port");
        assertThatThrownBy(() -> parse("cluster:\n  redis:\n    uri: redis://a:6379\n    cluster_nodes: [\"b:7000\"]\n"))
                .hasMessageContaining("exactly one of uri, sentinel and cluster_nodes, found 2");
        assertThatThrownBy(() -> parse("cluster:\n  enabled: true\n  redis:\n    cluster_nodes: [\"b:7000\"]\n"
                + "    tls:\n      ca_file: ca.crt\n"))
                .hasMessageContaining("needs a TLS address (rediss://");
    }

    @Test
    void aUriLettuceCannotReadIsAConfigErrorWithoutThePassword() {
        assertThatThrownBy(() -> parse("cluster:\n  enabled: true\n  redis:\n    uri: http://hunter2@a:6379\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line")
                .hasMessageContaining("expected redis://host:port")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aNodeIdThatCannotBeARedisKeyIsRefusedAtItsLine() {
        assertThatThrownBy(() -> parse("cluster:\n  node_id: \"node{1}\"\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line 2, column 3:")
                .hasMessageContaining("node_id 'node{1}' must be 1 to 64 letters, digits");
        assertThatThrownBy(() -> parse("cluster:\n  node_id: " + "n".repeat(65) + "\n")).hasMessageContaining("1 to 64");
        assertThatThrownBy(() -> parse("cluster:\n  redis_down: panic\n")).hasMessageContaining("is not one of serve_local, refuse_all");
    }

    @Test
    void redisDownNamesTheBrokersOutagePolicy() {
        assertThat(ClusterConfig.DEFAULTS.redisDown().outage()).isEqualTo(ClusterSettings.Outage.SERVE_CLEAN_SESSIONS);
        assertThat(parse("cluster:\n  redis_down: refuse_all\n").cluster().redisDown().outage())
                .isEqualTo(ClusterSettings.Outage.REFUSE_ALL);
    }

    @Test
    void theHostNameIsMadeIntoANodeId() {
        assertThat(ClusterConfig.fromHostName("web-1.example.com")).isEqualTo("web-1.example.com");
        assertThat(ClusterConfig.fromHostName("höst name")).isEqualTo("h-st-name");
        assertThat(ClusterConfig.fromHostName("x".repeat(80))).hasSize(64);
        assertThat(ClusterConfig.DEFAULTS.effectiveNodeId()).matches("[A-Za-z0-9._-]{1,64}");
    }

    @Test
    void environmentVariablesOverrideTheSection() {
        MagpieConfig config = new ConfigLoader(Map.of("MAGPIE_CLUSTER_ENABLED", "true", "MAGPIE_CLUSTER_NODE_ID", "env-node",
                "MAGPIE_CLUSTER_REDIS_URI", "redis://10.1.1.1:6379")).applyEnvironment(parse("log_level: info\n"));
        assertThat(config.cluster().enabled()).isTrue();
        assertThat(config.cluster().nodeId()).isEqualTo("env-node");
        assertThat(config.cluster().toSettings().uri()).isEqualTo("redis://10.1.1.1:6379");
    }

    @Test
    void thePasswordIsMaskedInTheConfigView() {
        JsonNode view = ConfigView.masked(parse("cluster:\n  redis:\n    uri: redis://:inuri@a:6379\n    password: s3cret\n"));
        assertThat(view.at("/cluster/redis/password").asText()).isEqualTo(ConfigView.MASK);
        assertThat(view.at("/cluster/redis/uri").asText()).doesNotContain("inuri");
        assertThat(view.at("/cluster/node_id").asText()).isEmpty();
        assertThat(view.at("/cluster/redis/cluster_nodes").isArray()).isTrue();
    }

    @Test
    void theLeaseIsSixSecondsByDefaultAndTheMemberPollASixthOfIt() {
        assertThat(ClusterConfig.DEFAULTS.leaseTtl()).isEqualTo(Duration.ofSeconds(6));
        assertThat(ClusterConfig.DEFAULTS.toClusterSettings().leaseTtl()).isEqualTo(Duration.ofSeconds(6));
        assertThat(ClusterConfig.DEFAULTS.toClusterSettings().memberPoll()).isEqualTo(Duration.ofSeconds(1));

        ClusterSettings shortLease = parse("cluster:\n  lease_ttl: 1500ms\n  command_timeout: 500ms\n").cluster()
                .toClusterSettings();
        assertThat(shortLease.leaseTtl()).isEqualTo(Duration.ofMillis(1500));
        assertThat(shortLease.memberPoll()).isEqualTo(Duration.ofMillis(250));
        assertThat(parse("cluster:\n  lease_ttl: 1m\n").cluster().toClusterSettings().memberPoll())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(parse("cluster:\n  lease_ttl: 3s\n  command_timeout: 1s\n  redis_down: refuse_all\n").cluster().toClusterSettings())
                .isEqualTo(new ClusterSettings(ClusterSettings.Outage.REFUSE_ALL, Duration.ofSeconds(3)));
    }

    @Test
    void aLeaseOutsideOneSecondToOneMinuteOrShorterThanTwoCommandTimeoutsIsRefusedAtItsLine() {
        assertThatThrownBy(() -> parse("cluster:\n  lease_ttl: 500ms\n  command_timeout: 100ms\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line")
                .hasMessageContaining("lease_ttl must be between 1s and 60s, was 500ms");
        assertThatThrownBy(() -> parse("cluster:\n  lease_ttl: 61s\n")).hasMessageContaining("between 1s and 60s");
        assertThatThrownBy(() -> parse("cluster:\n  lease_ttl: 3s\n"))
                .hasMessageContaining("lease_ttl (3s) must be at least twice command_timeout (2s)");
        assertThatThrownBy(() -> new ClusterSettings(ClusterSettings.Outage.REFUSE_ALL, Duration.ofMillis(999)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1s and 60s");
    }

    @Test
    void theLeaseAndTheTlsFilesTakeEnvironmentVariables() {
        MagpieConfig config = new ConfigLoader(Map.of("MAGPIE_CLUSTER_LEASE_TTL", "10s",
                "MAGPIE_CLUSTER_REDIS_TLS_CA_FILE", "/etc/magpie/redis-ca.crt",
                "MAGPIE_CLUSTER_REDIS_TLS_KEY_PASSWORD", "k3y", "MAGPIE_CLUSTER_REDIS_TLS_CERT_FILE", "/n1.crt",
                "MAGPIE_CLUSTER_REDIS_TLS_KEY_FILE", "/n1.key")).applyEnvironment(parse("log_level: info\n"));
        assertThat(config.cluster().leaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.cluster().redis().tls().caFile()).isEqualTo("/etc/magpie/redis-ca.crt");
        assertThat(config.cluster().redis().tls().keyPassword()).isEqualTo("k3y");
    }

    @Test
    void theTlsFilesReachTheBackendSettings() {
        ClusterConfig cluster = parse("cluster:\n  enabled: true\n  redis:\n    uri: redis://redis.internal:6380\n"
                + "    tls:\n      enabled: true\n      ca_file: /etc/magpie/ca.crt\n      cert_file: /etc/magpie/n1.crt\n"
                + "      key_file: /etc/magpie/n1.key\n      key_password: k3y\n").cluster();
        RedisBackendSettings settings = cluster.toSettings();
        assertThat(settings.uri()).isEqualTo("rediss://redis.internal:6380");
        assertThat(settings.tls()).isEqualTo(new RedisBackendSettings.Tls("/etc/magpie/ca.crt", "/etc/magpie/n1.crt",
                "/etc/magpie/n1.key", "k3y"));
        assertThat(cluster.toString()).doesNotContain("k3y");
        assertThat(settings.toString()).doesNotContain("k3y");
        JsonNode view = ConfigView.masked(parse("cluster:\n  redis:\n    tls:\n      cert_file: n1.crt\n"
                + "      key_file: n1.key\n      key_password: k3y\n"));
        assertThat(view.at("/cluster/redis/tls/key_password").asText()).isEqualTo(ConfigView.MASK);
        assertThat(view.at("/cluster/redis/tls/ca_file").asText()).isEmpty();
        // without a CA file: the JVM's trust store, as before
        assertThat(parse("cluster:\n  enabled: true\n  redis:\n    uri: rediss://r:6380\n").cluster().toSettings().tls())
                .isEqualTo(RedisBackendSettings.Tls.JVM_DEFAULTS);
    }

    @Test
    void aHalfClientCertificateOrACaFileWithoutTlsIsRefusedAtItsLine() {
        assertThatThrownBy(() -> parse("cluster:\n  redis:\n    tls:\n      enabled: true\n      cert_file: n1.crt\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line")
                .hasMessageContaining("cluster.redis.tls.key_file is required with cert_file: a client certificate for Redis needs both");
        assertThatThrownBy(() -> parse("cluster:\n  enabled: true\n  redis:\n    uri: redis://r:6379\n"
                + "    tls:\n      ca_file: ca.crt\n"))
                .hasMessageContaining("needs a TLS address (rediss://");
    }

    @Test
    void relativeTlsFilesAreResolvedAgainstTheConfigFilesDirectory(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("magpie.yaml");
        Files.writeString(file, "cluster:\n  redis:\n    tls:\n      enabled: true\n      ca_file: certs/ca.crt\n"
                + "      cert_file: /abs/n1.crt\n      key_file: certs/n1.key\n");
        ClusterRedisConfig.RedisTlsConfig tls = new ConfigLoader(Map.of()).load(file).cluster().redis().tls();
        assertThat(tls.caFile()).isEqualTo(dir.resolve("certs/ca.crt").toString());
        assertThat(tls.certFile()).isEqualTo("/abs/n1.crt");
        assertThat(tls.keyFile()).isEqualTo(dir.resolve("certs/n1.key").toString());
    }
}
