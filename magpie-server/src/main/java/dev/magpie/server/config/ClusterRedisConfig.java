package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.magpie.cluster.redis.RedisBackendSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@code cluster.redis}: one Redis ({@code uri}), or the Redis master a set of Sentinels knows ({@code sentinel}), or
 * a Redis Cluster ({@code cluster_nodes}: seed nodes, the others are found from them). Exactly one of the three; the
 * password and TLS apply to every Redis the node talks to (the Sentinels' data nodes, every node of a Redis Cluster).
 *
 * <pre>{@code
 * redis: {cluster_nodes: ["10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"], password: s3cret, tls: {enabled: true}}
 * }</pre>
 *
 * @param uri          {@code redis://host:port[/db]} or {@code rediss://…} (TLS); empty when another form is used
 * @param sentinel     the master's name and the Sentinels' {@code host:port}s; {@link SentinelConfig#NONE} if unused
 * @param clusterNodes seed nodes of a Redis Cluster, {@code host:port} each; one that answers is enough
 * @param password     the Redis password ({@code requirepass}); empty: none, or the one in {@code uri}
 * @param tls          TLS to Redis (also implied by {@code rediss://}): the CA to trust, a client certificate
 */
public record ClusterRedisConfig(String uri, SentinelConfig sentinel, List<String> clusterNodes, String password,
                                 RedisTlsConfig tls) {

    public static final String DEFAULT_URI = "redis://127.0.0.1:6379";
    public static final ClusterRedisConfig DEFAULTS = new ClusterRedisConfig(DEFAULT_URI, SentinelConfig.NONE, List.of(), "",
            RedisTlsConfig.DEFAULTS);

    public ClusterRedisConfig {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(sentinel, "sentinel");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(tls, "tls");
        clusterNodes = List.copyOf(clusterNodes);
        int forms = (uri.isEmpty() ? 0 : 1) + (sentinel.isSet() ? 1 : 0) + (clusterNodes.isEmpty() ? 0 : 1);
        if (forms != 1) {
            throw new IllegalArgumentException("cluster.redis needs exactly one of uri, sentinel and cluster_nodes, found "
                    + forms);
        }
        for (String node : clusterNodes) {
            if (!node.matches("[^\\s,/@#]+:\\d{1,5}")) {
                throw new IllegalArgumentException("cluster.redis.cluster_nodes: '" + node + "' is not host:port");
            }
        }
        for (String node : sentinel.nodes()) {
            if (!node.matches("[^\\s,/@#]+:\\d{1,5}")) {
                throw new IllegalArgumentException("cluster.redis.sentinel.nodes: '" + node + "' is not host:port");
            }
        }
    }

    @JsonCreator
    static ClusterRedisConfig fromYaml(@JsonProperty("uri") String uri, @JsonProperty("sentinel") SentinelConfig sentinel,
                                       @JsonProperty("cluster_nodes") List<String> clusterNodes,
                                       @JsonProperty("password") String password, @JsonProperty("tls") RedisTlsConfig tls) {
        boolean otherForm = sentinel != null && sentinel.isSet() || clusterNodes != null && !clusterNodes.isEmpty();
        return new ClusterRedisConfig(uri != null ? uri : otherForm ? "" : DEFAULT_URI,
                sentinel != null ? sentinel : SentinelConfig.NONE, clusterNodes != null ? clusterNodes : List.of(),
                password != null ? password : "", tls != null ? tls : RedisTlsConfig.DEFAULTS);
    }

    /** The backend's settings for this address (with the defaults of {@link RedisBackendSettings#of(String)}). */
    RedisBackendSettings toSettings() {
        try {
            if (!clusterNodes.isEmpty()) {
                return RedisBackendSettings.cluster(clusterNodes, password, tls.enabled()).withTls(tls.toBackend());
            }
            if (sentinel.isSet()) {
                return RedisBackendSettings.sentinel(sentinel.master(), sentinel.nodes(), password, tls.enabled())
                        .withTls(tls.toBackend());
            }
            String address = tls.enabled() && uri.startsWith("redis://") ? "rediss://" + uri.substring("redis://".length()) : uri;
            return RedisBackendSettings.of(address, password).withTls(tls.toBackend());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cluster.redis: " + e.getMessage(), e);
        }
    }

    /** This section with the TLS files' relative names resolved against {@code directory} (the config file's). */
    ClusterRedisConfig resolvedAgainst(Path directory) {
        return new ClusterRedisConfig(uri, sentinel, clusterNodes, password, tls.resolvedAgainst(directory));
    }

    @Override
    public String toString() {
        return "ClusterRedisConfig[uri=" + uri.replaceFirst("(?<=://)[^/@]*@", "***@") + ", sentinel=" + sentinel
                + ", clusterNodes=" + clusterNodes + ", password=" + (password.isEmpty() ? "none" : "***") + ", tls=" + tls + "]";
    }

    /**
     * {@code cluster.redis.sentinel}.
     *
     * @param master the name the Sentinels monitor the master under ({@code sentinel monitor <master> …})
     * @param nodes  the Sentinels, {@code host:port} each (26379 is Sentinel's usual port)
     */
    public record SentinelConfig(String master, List<String> nodes) {
        public static final SentinelConfig NONE = new SentinelConfig("", List.of());

        public SentinelConfig {
            Objects.requireNonNull(master, "master");
            nodes = List.copyOf(nodes);
            if (master.isEmpty() != nodes.isEmpty()) {
                throw new IllegalArgumentException("cluster.redis.sentinel needs both master and nodes");
            }
        }

        @JsonCreator
        static SentinelConfig fromYaml(@JsonProperty("master") String master, @JsonProperty("nodes") List<String> nodes) {
            return new SentinelConfig(master != null ? master : "", nodes != null ? nodes : List.of());
        }

        boolean isSet() {
            return !master.isEmpty();
        }
    }

    /**
     * {@code cluster.redis.tls}. Without {@code ca_file} the server's certificate is checked against the JVM's trust
     * store; with it, against the operator's CA only. {@code cert_file} and {@code key_file} give this node a client
     * certificate for a Redis that asks for one ({@code tls-auth-clients yes}). Relative names are resolved against the
     * config file's directory; the files are read when the node starts (and again at every reconnection).
     *
     * <pre>{@code
     * tls: {enabled: true, ca_file: certs/ca.crt, cert_file: certs/node-1.crt, key_file: certs/node-1.key}
     * }</pre>
     *
     * @param enabled     whether connections to Redis (and the Sentinels) use TLS ({@code rediss://} also does)
     * @param caFile      PEM CA certificates the server's chain must end in; {@code ""}: the JVM's trust store
     * @param certFile    PEM certificate chain presented to Redis; {@code ""}: none
     * @param keyFile     PEM PKCS#8 private key of {@code certFile}
     * @param keyPassword password of an encrypted {@code keyFile}; {@code ""}: not encrypted
     */
    public record RedisTlsConfig(boolean enabled, String caFile, String certFile, String keyFile, String keyPassword) {
        public static final RedisTlsConfig DEFAULTS = new RedisTlsConfig(false, "", "", "", "");

        public RedisTlsConfig {
            Objects.requireNonNull(caFile, "caFile");
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(keyPassword, "keyPassword");
            backend(caFile, certFile, keyFile, keyPassword);   // cert_file without key_file and the like, at their line
        }

        @JsonCreator
        static RedisTlsConfig fromYaml(@JsonProperty("enabled") Boolean enabled, @JsonProperty("ca_file") String caFile,
                                       @JsonProperty("cert_file") String certFile, @JsonProperty("key_file") String keyFile,
                                       @JsonProperty("key_password") String keyPassword) {
            return new RedisTlsConfig(enabled != null && enabled, caFile != null ? caFile.strip() : "",
                    certFile != null ? certFile.strip() : "", keyFile != null ? keyFile.strip() : "",
                    keyPassword != null ? keyPassword : "");
        }

        /** The backend's view of the files. */
        RedisBackendSettings.Tls toBackend() {
            return backend(caFile, certFile, keyFile, keyPassword);
        }

        /** Refuses a half client certificate (the loader names {@code cluster.redis.tls} and the line). */
        private static RedisBackendSettings.Tls backend(String caFile, String certFile, String keyFile, String keyPassword) {
            return new RedisBackendSettings.Tls(caFile, certFile, keyFile, keyPassword);
        }

        RedisTlsConfig resolvedAgainst(Path directory) {
            return new RedisTlsConfig(enabled, SecurityConfig.resolve(directory, caFile),
                    SecurityConfig.resolve(directory, certFile), SecurityConfig.resolve(directory, keyFile), keyPassword);
        }

        @Override
        public String toString() {
            return "RedisTlsConfig[enabled=" + enabled + ", caFile=" + caFile + ", certFile=" + certFile + ", keyFile="
                    + keyFile + ", keyPassword=" + (keyPassword.isEmpty() ? "none" : "***") + "]";
        }
    }
}
