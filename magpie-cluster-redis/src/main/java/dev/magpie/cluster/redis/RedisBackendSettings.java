package dev.magpie.cluster.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link RedisClusterBackend} reaches Redis and bounds what it keeps there.
 *
 * <pre>{@code
 * RedisBackendSettings settings = RedisBackendSettings.of("redis://127.0.0.1:6379")
 *         .withCommandTimeout(Duration.ofSeconds(1));
 * }</pre>
 *
 * @param uri               a Lettuce Redis URI ({@code redis://[password@]host:port[/db]}, {@code rediss://} for TLS)
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
}
