package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.magpie.Broker;
import dev.magpie.cluster.ClusterSettings;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.redis.RedisBackendSettings;
import dev.magpie.cluster.redis.RedisClusterBackend;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code cluster:} section: whether this server is one node of a cluster over Redis (docs/cluster.md), under which
 * name, and how it reaches Redis. When enabled, validated by building the {@link RedisBackendSettings} the backend gets,
 * so a Redis URI Lettuce cannot read is a config error at its line, not a failure at start.
 *
 * @param enabled        false (the default): a single broker, Redis is never contacted
 * @param nodeId         this node's name in Redis keys and in {@code $SYS}; empty: the host name (made to fit)
 * @param redis          where Redis is
 * @param keyPrefix      the first part of every Redis key, so several clusters can share one Redis
 * @param commandTimeout how long one Redis call may take before it counts as failed
 * @param redisDown      what a CONNECT gets while Redis cannot answer for its client id ({@link RedisDownPolicy})
 * @param leaseTtl       how long this node's lease lives unrenewed (1s..60s, {@link ClusterSettings#leaseTtl()}): a dead
 *                       node is found about this long after its last renewal; members are polled every sixth of it
 */
public record ClusterConfig(boolean enabled, String nodeId, ClusterRedisConfig redis, String keyPrefix,
                            Duration commandTimeout, RedisDownPolicy redisDown, Duration leaseTtl) {

    /** The characters Redis keys and hash tags of a node take ({@link NodeIdentity}), and their number. */
    private static final String NODE_ID = "[A-Za-z0-9._-]{1,64}";

    public static final ClusterConfig DEFAULTS = new ClusterConfig(false, "", ClusterRedisConfig.DEFAULTS, "magpie",
            Duration.ofSeconds(2), RedisDownPolicy.SERVE_LOCAL, ClusterSettings.DEFAULT_LEASE_TTL);

    public ClusterConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(redisDown, "redisDown");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        if (!nodeId.isEmpty() && !nodeId.matches(NODE_ID)) {
            throw new IllegalArgumentException("node_id '" + nodeId + "' must be 1 to 64 letters, digits, '.', '_' or '-'"
                    + " (it is part of Redis keys); leave it empty for the host name");
        }
        if (commandTimeout.toMillis() < 10 || commandTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("command_timeout must be between 10ms and 1m, was " + DurationFormat.format(commandTimeout));
        }
        if (leaseTtl.compareTo(ClusterSettings.MIN_LEASE_TTL) < 0 || leaseTtl.compareTo(ClusterSettings.MAX_LEASE_TTL) > 0) {
            throw new IllegalArgumentException("lease_ttl must be between 1s and 60s, was " + DurationFormat.format(leaseTtl)
                    + " (shorter leases are lost to one slow renewal, longer ones leave a dead node's clients waiting)");
        }
        if (leaseTtl.compareTo(commandTimeout.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("lease_ttl (" + DurationFormat.format(leaseTtl) + ") must be at least twice"
                    + " command_timeout (" + DurationFormat.format(commandTimeout) + "): the lease is renewed every third"
                    + " of it, and a renewal may take up to command_timeout");
        }
        if (!keyPrefix.matches("[A-Za-z0-9._-]{1,32}")) {
            throw new IllegalArgumentException("key_prefix '" + keyPrefix + "' must be 1 to 32 letters, digits, '.', '_' or '-'");
        }
        if (enabled) {
            // validates now, with the file's line; only when on, so a single broker never loads Lettuce (~150 classes)
            redis.toSettings();
        }
    }

    @JsonCreator
    static ClusterConfig fromYaml(@JsonProperty("enabled") Boolean enabled, @JsonProperty("node_id") String nodeId,
                                  @JsonProperty("redis") ClusterRedisConfig redis, @JsonProperty("key_prefix") String keyPrefix,
                                  @JsonProperty("command_timeout") Duration commandTimeout,
                                  @JsonProperty("redis_down") String redisDown,
                                  @JsonProperty("lease_ttl") Duration leaseTtl) {
        ClusterConfig d = DEFAULTS;
        return new ClusterConfig(enabled != null ? enabled : d.enabled, nodeId != null ? nodeId : d.nodeId,
                redis != null ? redis : d.redis, keyPrefix != null ? keyPrefix : d.keyPrefix,
                commandTimeout != null ? commandTimeout : d.commandTimeout,
                redisDown != null ? YamlEnums.parse(RedisDownPolicy.class, "cluster.redis_down", redisDown.toLowerCase(Locale.ROOT))
                        : d.redisDown,
                leaseTtl != null ? leaseTtl : d.leaseTtl);
    }

    /** The configured node id, or else this machine's host name cut to the characters and length a node id takes. */
    public String effectiveNodeId() {
        if (!nodeId.isEmpty()) {
            return nodeId;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "magpie";
        }
        return fromHostName(host);
    }

    /** {@code host} as a node id: characters a Redis key of ours does not take become '-', at most 64 of them. */
    static String fromHostName(String host) {
        String id = host.replaceAll("[^A-Za-z0-9._-]", "-");
        id = id.length() > 64 ? id.substring(0, 64) : id;
        return id.isEmpty() ? "magpie" : id;
    }

    /** This section with the relative file names under {@code redis.tls} resolved against {@code directory}. */
    public ClusterConfig resolvedAgainst(Path directory) {
        return new ClusterConfig(enabled, nodeId, redis.resolvedAgainst(directory), keyPrefix, commandTimeout, redisDown,
                leaseTtl);
    }

    /** The settings of the Redis backend: the {@code redis:} address with this section's prefix and timeout. */
    public RedisBackendSettings toSettings() {
        return redis.toSettings().withKeyPrefix(keyPrefix).withCommandTimeout(commandTimeout);
    }

    /**
     * Makes {@code builder} a cluster node as this section says (nothing when disabled). The backend connects when the
     * broker starts, not here.
     */
    public Broker.Builder applyTo(Broker.Builder builder) {
        if (!enabled) {
            return builder;
        }
        return builder.cluster(RedisClusterBackend.create(toSettings(), NodeIdentity.fresh(effectiveNodeId())),
                toClusterSettings());
    }

    /** The broker's side of this section: the outage policy and the lease. */
    public ClusterSettings toClusterSettings() {
        return ClusterSettings.defaults().withOutage(redisDown.outage()).withLeaseTtl(leaseTtl);
    }

    /**
     * The YAML names of the broker's outage policy ({@link ClusterSettings.Outage}, docs/cluster.md "Outage policy"):
     * what a CONNECT gets while Redis cannot answer for its client id. Either way cross-node traffic waits in a bounded
     * buffer and is resent, and the node's connected clients go on being served.
     */
    public enum RedisDownPolicy {
        /** Clean sessions are served by this node alone; persistent ones are refused (0x88, 3.1.1 0x03). */
        SERVE_LOCAL(ClusterSettings.Outage.SERVE_CLEAN_SESSIONS),
        /** Every CONNECT is refused (0x88, 3.1.1 0x03) until Redis answers: no client id is ever unchecked. */
        REFUSE_ALL(ClusterSettings.Outage.REFUSE_ALL);

        private final ClusterSettings.Outage outage;

        RedisDownPolicy(ClusterSettings.Outage outage) {
            this.outage = outage;
        }

        public ClusterSettings.Outage outage() {
            return outage;
        }

        @com.fasterxml.jackson.annotation.JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
