package dev.magpie.cluster.redis;

import io.lettuce.core.RedisURI;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How {@link RedisClusterBackend} reaches Redis and bounds what it keeps there.
 *
 * <pre>{@code
 * RedisBackendSettings settings = RedisBackendSettings.of("redis://127.0.0.1:6379")
 *         .withCommandTimeout(Duration.ofSeconds(1));
 * RedisBackendSettings overTls = RedisBackendSettings.of("rediss://redis.internal:6380")
 *         .withTls(RedisBackendSettings.Tls.trusting("/etc/magpie/redis-ca.crt")
 *                 .withClientCertificate("/etc/magpie/node-1.crt", "/etc/magpie/node-1.key", ""));
 * RedisBackendSettings onRedisCluster = RedisBackendSettings.cluster(
 *         List.of("10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"), "s3cret", false);
 * }</pre>
 *
 * @param uri               a Lettuce Redis URI ({@code redis://[password@]host:port[/db]}, {@code rediss://} for TLS,
 *                          {@code redis-sentinel://[password@]host:port[,host:port…]#master} for Sentinel; see
 *                          {@link #sentinel}); checked by Lettuce's parser when the settings are made
 * @param keyPrefix         the first part of every key and channel, so several clusters can share one Redis
 * @param commandTimeout    how long a call may take before its stage fails (no caller ever waits longer)
 * @param inboxMaxLength    the approximate bound of each node inbox stream ({@code XADD MAXLEN ~}); a node that does
 *                          not read loses its oldest messages past it
 * @param reconnectMaxDelay the longest pause between reconnection attempts (they start at 20 ms and double)
 * @param readBlock         how long one inbox read waits for new messages on the reader thread
 * @param tls               the CA and client certificate of a {@code rediss://} connection; {@link Tls#JVM_DEFAULTS}:
 *                          the JVM's trust store, no client certificate
 * @param clusterNodes      the seed nodes of a Redis Cluster, one Redis URI each ({@code redis[s]://[:password@]host:port},
 *                          all of one scheme; see {@link #cluster}); empty: not a Redis Cluster. When set, {@code uri}
 *                          is the first of them (so TLS checks and messages read one address)
 */
public record RedisBackendSettings(String uri, String keyPrefix, Duration commandTimeout, int inboxMaxLength,
                                   Duration reconnectMaxDelay, Duration readBlock, Tls tls, List<String> clusterNodes) {
    public RedisBackendSettings {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(tls, "tls");
        clusterNodes = List.copyOf(clusterNodes);
        for (String node : clusterNodes) {
            if (!node.startsWith("redis://") && !node.startsWith("rediss://")
                    || node.startsWith("rediss://") != clusterNodes.get(0).startsWith("rediss://")) {
                throw new IllegalArgumentException("Redis Cluster node '" + masked(node) + "' must be redis:// or"
                        + " rediss://, like every other node of the cluster");
            }
        }
        if (!clusterNodes.isEmpty() && !uri.equals(clusterNodes.get(0))) {
            throw new IllegalArgumentException("the URI of a Redis Cluster setup is its first node");
        }
        try {
            RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Redis URI '" + masked(uri) + "' is not valid (" + e.getMessage()
                    + "); expected redis://host:port, rediss://host:port or redis-sentinel://host:port,host:port#master", e);
        }
        if (!keyPrefix.matches("[A-Za-z0-9._-]{1,32}")) {
            throw new IllegalArgumentException("key prefix '" + keyPrefix + "' must be 1 to 32 letters, digits, '.', '_' or '-'");
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero() || inboxMaxLength < 1) {
            throw new IllegalArgumentException("command timeout and inbox length must be positive");
        }
        if (!tls.equals(Tls.JVM_DEFAULTS) && !uri.startsWith("rediss://") && !uri.startsWith("rediss-sentinel://")) {
            throw new IllegalArgumentException("a CA file or client certificate for Redis needs a TLS address (rediss://"
                    + " or rediss-sentinel://, or tls enabled), but the URI is '" + masked(uri) + "'");
        }
    }

    /** Defaults: prefix {@code magpie}, 2 s command timeout, inboxes of about 100 000, reconnects at most 2 s apart. */
    public static RedisBackendSettings of(String uri) {
        return new RedisBackendSettings(uri, "magpie", Duration.ofSeconds(2), 100_000, Duration.ofSeconds(2),
                Duration.ofMillis(500), Tls.JVM_DEFAULTS, List.of());
    }

    /**
     * Defaults (as {@link #of}) for a Redis Cluster reached through the seed {@code nodes} ({@code host:port} each; one
     * reachable seed is enough, the others are found from it). {@code password} (empty: none) and {@code tls} apply
     * to every node of the cluster, the seeds and those found later.
     *
     * <pre>{@code
     * RedisBackendSettings.cluster(List.of("10.0.0.1:7000", "10.0.0.2:7000"), "", true)
     *         .withTls(RedisBackendSettings.Tls.trusting("/etc/magpie/redis-ca.crt"));
     * }</pre>
     */
    public static RedisBackendSettings cluster(List<String> nodes, String password, boolean tls) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a Redis Cluster setup needs at least one node host:port");
        }
        List<String> uris = nodes.stream().map(node -> {
            if (!node.matches("[^\\s,/@#]+:\\d{1,5}")) {
                throw new IllegalArgumentException("Redis Cluster node '" + node + "' is not host:port");
            }
            return of((tls ? "rediss://" : "redis://") + node, password).uri();
        }).toList();
        RedisBackendSettings defaults = of(uris.get(0));
        return new RedisBackendSettings(uris.get(0), defaults.keyPrefix, defaults.commandTimeout, defaults.inboxMaxLength,
                defaults.reconnectMaxDelay, defaults.readBlock, defaults.tls, uris);
    }

    /** Whether these settings name a Redis Cluster ({@link #clusterNodes} not empty). */
    public boolean isCluster() {
        return !clusterNodes.isEmpty();
    }

    /**
     * Defaults (as {@link #of}) for {@code uri} with {@code password} set in it (empty: none; the URI's own stays).
     * The password is percent-encoded, so any character may appear in it.
     */
    public static RedisBackendSettings of(String uri, String password) {
        if (password.isEmpty()) {
            return of(uri);
        }
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            throw new IllegalArgumentException("Redis URI '" + masked(uri) + "' has no scheme (redis://, rediss://)");
        }
        String rest = uri.substring(scheme + 3);
        int at = rest.indexOf('@');
        int slash = rest.indexOf('/');
        if (at >= 0 && (slash < 0 || at < slash)) {
            rest = rest.substring(at + 1);                    // the configured password replaces the URI's
        }
        return of(uri.substring(0, scheme + 3) + encode(password) + "@" + rest);
    }

    /**
     * Defaults (as {@link #of}) for the Redis master that the Sentinels {@code nodes} ({@code host:port} each) know as
     * {@code master}; {@code password} (empty: none) is the data nodes' password, {@code tls} makes every connection
     * TLS ({@code rediss-sentinel://}).
     */
    public static RedisBackendSettings sentinel(String master, List<String> nodes, String password, boolean tls) {
        if (master.isEmpty() || nodes.isEmpty()) {
            throw new IllegalArgumentException("a Sentinel setup needs the master's name and at least one sentinel host:port");
        }
        String credentials = password.isEmpty() ? "" : encode(password) + "@";
        return of((tls ? "rediss-sentinel://" : "redis-sentinel://") + credentials + String.join(",", nodes) + "#" + master);
    }

    /** Percent-encoded after an empty user name, so Lettuce takes every ':' in it as part of the password. */
    private static String encode(String password) {
        return ":" + URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code uri} without the password, for error messages. */
    static String masked(String uri) {
        return uri.replaceFirst("(?<=://)[^/@]*@", "***@");
    }

    public RedisBackendSettings withKeyPrefix(String prefix) {
        return new RedisBackendSettings(uri, prefix, commandTimeout, inboxMaxLength, reconnectMaxDelay, readBlock, tls,
                clusterNodes);
    }

    public RedisBackendSettings withCommandTimeout(Duration timeout) {
        return new RedisBackendSettings(uri, keyPrefix, timeout, inboxMaxLength, reconnectMaxDelay, readBlock, tls,
                clusterNodes);
    }

    public RedisBackendSettings withInboxMaxLength(int length) {
        return new RedisBackendSettings(uri, keyPrefix, commandTimeout, length, reconnectMaxDelay, readBlock, tls,
                clusterNodes);
    }

    public RedisBackendSettings withReconnectMaxDelay(Duration delay) {
        return new RedisBackendSettings(uri, keyPrefix, commandTimeout, inboxMaxLength, delay, readBlock, tls,
                clusterNodes);
    }

    /** These settings with {@code newTls} (the URI must then be a TLS one). */
    public RedisBackendSettings withTls(Tls newTls) {
        return new RedisBackendSettings(uri, keyPrefix, commandTimeout, inboxMaxLength, reconnectMaxDelay, readBlock, newTls,
                clusterNodes);
    }

    @Override
    public String toString() {
        return "RedisBackendSettings[uri=" + masked(uri) + (clusterNodes.isEmpty() ? "" : ", clusterNodes="
                + clusterNodes.stream().map(RedisBackendSettings::masked).collect(Collectors.joining(",", "[", "]")))
                + ", keyPrefix=" + keyPrefix + ", commandTimeout=" + commandTimeout
                + ", inboxMaxLength=" + inboxMaxLength + ", reconnectMaxDelay=" + reconnectMaxDelay + ", readBlock=" + readBlock + ", tls=" + tls + "]";
    }

    /**
     * What a TLS connection to Redis trusts and presents, as PEM files (read again at every connection attempt, so
     * renewed certificates are taken up at the next reconnect). Empty names mean: the JVM's trust store, no client
     * certificate.
     *
     * <pre>{@code
     * Tls tls = Tls.trusting("/etc/magpie/redis-ca.crt");                       // the operator's CA only
     * Tls mutual = tls.withClientCertificate("node-1.crt", "node-1.key", "");   // and a client certificate (mTLS)
     * }</pre>
     *
     * @param caFile      PEM certificates the server's chain must end in; {@code ""}: the JVM's trust store
     * @param certFile    PEM certificate chain this node presents ({@code tls-auth-clients yes}); {@code ""}: none
     * @param keyFile     PEM PKCS#8 private key of {@code certFile}; given exactly when {@code certFile} is
     * @param keyPassword password of an encrypted {@code keyFile}; {@code ""}: not encrypted
     */
    public record Tls(String caFile, String certFile, String keyFile, String keyPassword) {
        /** The JVM's trust store ({@code -Djavax.net.ssl.trustStore}), no client certificate. */
        public static final Tls JVM_DEFAULTS = new Tls("", "", "", "");

        public Tls {
            Objects.requireNonNull(caFile, "caFile");
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(keyPassword, "keyPassword");
            if (certFile.isEmpty() != keyFile.isEmpty()) {
                throw new IllegalArgumentException(certFile.isEmpty()
                        ? "cert_file is required with key_file: a client certificate for Redis needs both"
                        : "key_file is required with cert_file: a client certificate for Redis needs both");
            }
            if (certFile.isEmpty() && !keyPassword.isEmpty()) {
                throw new IllegalArgumentException("key_password is set but there is no key_file for Redis");
            }
        }

        /** Trusts the certificates in {@code caFile} (PEM) instead of the JVM's trust store. */
        public static Tls trusting(String caFile) {
            return new Tls(caFile, "", "", "");
        }

        /** This with a client certificate chain and its key (PEM; {@code keyPassword} {@code ""} if not encrypted). */
        public Tls withClientCertificate(String certFile, String keyFile, String keyPassword) {
            return new Tls(caFile, certFile, keyFile, keyPassword);
        }

        @Override
        public String toString() {
            return "Tls[caFile=" + (caFile.isEmpty() ? "jvm trust store" : caFile) + ", certFile=" + certFile
                    + ", keyFile=" + keyFile + ", keyPassword=" + (keyPassword.isEmpty() ? "none" : "***") + "]";
        }
    }
}
