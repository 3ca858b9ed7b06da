/**
 * {@link dev.magpie.cluster.ClusterBackend} over Redis 7 through Lettuce: {@link
 * dev.magpie.cluster.redis.RedisClusterBackend}, on one Redis, a Sentinel-managed master or a Redis Cluster ({@link
 * dev.magpie.cluster.redis.RedisBackendSettings#cluster}); {@link dev.magpie.cluster.redis.RedisConnections} opens the
 * connections of either kind, so the rest is one code path. What each key and channel holds is listed in {@link
 * dev.magpie.cluster.redis.RedisKeys}; the atomic steps are the Lua scripts of {@link
 * dev.magpie.cluster.redis.RedisScripts}; the inbox is read by {@link dev.magpie.cluster.redis.InboxReader} on a
 * thread of its own. No call blocks its caller: commands go out on Lettuce's asynchronous API, and results are handed
 * to the backend's callback thread, never run on Lettuce's I/O threads. See {@code docs/cluster.md}.
 */
package dev.magpie.cluster.redis;
