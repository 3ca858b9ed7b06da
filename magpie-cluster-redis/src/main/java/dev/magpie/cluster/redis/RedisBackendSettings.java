package dev.magpie.cluster.redis;

import io.lettuce.core.RedisURI;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link RedisClusterBackend} reaches Redis and bounds what it keeps there.
 *
 * <pre>{@code
 * RedisBackendSettings settings = RedisBackendSettings.of("redis://127.0.0.1:6379")
 *         .withCommandTimeout(Duration.ofSeconds(1));
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
 */
public record RedisBackendSettings(String uri, String keyPrefix, Duration commandTimeout, int inboxMaxLength,
                                   Duration reconnectMaxDelay, Duration readBlock) {
    public RedisBackendSettings {
        Objects.requireNonNull(uri, "uri");
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
    }

    /** Defaults: prefix {@code magpie}, 2 s command timeout, inboxes of about 100 000, reconnects at most 2 s apart. */
    public static RedisBackendSettings of(String uri) {
        return new RedisBackendSettings(uri, "magpie", Duration.ofSeconds(2), 100_000, Duration.ofSeconds(2),
                Duration.ofMillis(500));
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
        return new RedisBackendSettings(uri, prefix, commandTimeout, inboxMaxLength, reconnectMaxDelay, readBlock);
    }

    public RedisBackendSettings withCommandTimeout(Duration timeout) {
        return new RedisBackendSettings(uri, keyPrefix, timeout, inboxMaxLength, reconnectMaxDelay, readBlock);
    }

    public RedisBackendSettings withInboxMaxLength(int length) {
        return new RedisBackendSettings(uri, keyPrefix, commandTimeout, length, reconnectMaxDelay, readBlock);
    }

    public RedisBackendSettings withReconnectMaxDelay(Duration delay) {
        return new RedisBackendSettings(uri, keyPrefix, commandTimeout, inboxMaxLength, delay, readBlock);
    }

    @Override
    public String toString() {
        return "RedisBackendSettings[uri=" + masked(uri) + ", keyPrefix=" + keyPrefix + ", commandTimeout=" + commandTimeout
                + ", inboxMaxLength=" + inboxMaxLength + ", reconnectMaxDelay=" + reconnectMaxDelay + ", readBlock=" + readBlock + "]";
    }
}
