package dev.magpie.cluster.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.magpie.cluster.RetainedEntry;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import static dev.magpie.cluster.redis.WireCodec.text;
import static dev.magpie.cluster.redis.WireCodec.utf8;

/**
 * Retained messages in Redis: 16 bucket pairs (bodies, versions) under hash tags {@code {r:<n>}}, so loading all of
 * them reads 32 literal keys (never {@code SCAN}), and each set or delete is one script that also announces it.
 */
final class RedisRetained {
    private final RedisKeys keys;

    RedisRetained(RedisKeys keys) {
        this.keys = keys;
    }

    CompletionStage<RetainedEntry> set(RedisClusterAsyncCommands<String, byte[]> redis, String topic, byte[] body) {
        int bucket = RedisKeys.bucketOf(topic);
        return RedisScripts.<Long>run(redis, RedisScripts.SET_RETAINED, ScriptOutputType.INTEGER,
                new String[] {keys.retained(bucket), keys.retainedVersions(bucket)},
                utf8(topic), body, utf8(keys.retainedChannel())).thenApply(version -> new RetainedEntry(topic, version, body));
    }

    CompletionStage<Long> delete(RedisClusterAsyncCommands<String, byte[]> redis, String topic) {
        int bucket = RedisKeys.bucketOf(topic);
        return RedisScripts.run(redis, RedisScripts.DELETE_RETAINED, ScriptOutputType.INTEGER,
                new String[] {keys.retained(bucket), keys.retainedVersions(bucket)},
                utf8(topic), utf8(keys.retainedChannel()));
    }

    CompletionStage<Long> version(RedisClusterAsyncCommands<String, byte[]> redis, String topic) {
        return redis.hget(keys.retainedVersions(RedisKeys.bucketOf(topic)), topic)
                .thenApply(version -> version == null ? 0L : Long.parseLong(text(version)));
    }

    CompletionStage<List<RetainedEntry>> loadAll(RedisClusterAsyncCommands<String, byte[]> redis) {
        List<CompletableFuture<List<RetainedEntry>>> buckets = new ArrayList<>();
        for (int bucket = 0; bucket < RedisKeys.RETAINED_BUCKETS; bucket++) {       // pipelined: one round trip
            CompletableFuture<Map<String, byte[]>> bodies = redis.hgetall(keys.retained(bucket)).toCompletableFuture();
            CompletableFuture<Map<String, byte[]>> versions =
                    redis.hgetall(keys.retainedVersions(bucket)).toCompletableFuture();
            buckets.add(bodies.thenCombine(versions, (byTopic, versionOf) -> {
                List<RetainedEntry> entries = new ArrayList<>(byTopic.size());
                byTopic.forEach((topic, body) -> {
                    byte[] version = versionOf.get(topic);
                    entries.add(new RetainedEntry(topic, version == null ? 0 : Long.parseLong(text(version)), body));
                });
                return entries;
            }));
        }
        return CompletableFuture.allOf(buckets.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<RetainedEntry> all = new ArrayList<>();
            buckets.forEach(bucket -> all.addAll(bucket.join()));
            return all;
        });
    }
}
