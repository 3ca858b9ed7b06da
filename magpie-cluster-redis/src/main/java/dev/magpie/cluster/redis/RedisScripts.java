package dev.magpie.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * The Lua scripts that make each multi-step change atomic (Redis runs a script without interleaving). Each is called
 * by {@code EVALSHA}; when Redis does not know it (first use, or a Redis restarted empty) the {@code NOSCRIPT} answer
 * makes it send the whole text once with {@code EVAL}, which caches it again. Every script touches only keys of one
 * hash tag (see {@link RedisKeys}), as Redis Cluster requires.
 */
final class RedisScripts {

    /** A script with its SHA-1, as EVALSHA names it. */
    record Script(String name, String text, String sha) {
        static Script of(String name, String text) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
                return new Script(name, text, HexFormat.of().formatHex(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is part of every JDK", e);
            }
        }
    }

    /**
     * KEYS owner; ARGV node, incarnation. Bumps the epoch (kept across releases, so it only grows) and returns the
     * previous owner ('' when none) with the new epoch: one winner per epoch.
     */
    static final Script CLAIM = Script.of("claim", """
            local prev = redis.call('HMGET', KEYS[1], 'node', 'inc')
            local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
            redis.call('HSET', KEYS[1], 'node', ARGV[1], 'inc', ARGV[2])
            return {prev[1] or '', prev[2] or '', epoch}
            """);

    /**
     * KEYS owner; ARGV expected node, expected incarnation, node, incarnation. Claims the id (new epoch) only while the
     * expected incarnation owns it: a dead node's client is adopted by one survivor, never taken from a node that
     * claimed it since. Returns the new epoch, 0 when the owner was another.
     */
    static final Script CLAIM_FROM = Script.of("claim-from", """
            local o = redis.call('HMGET', KEYS[1], 'node', 'inc')
            if o[1] == ARGV[1] and o[2] == ARGV[2] then
              local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
              redis.call('HSET', KEYS[1], 'node', ARGV[3], 'inc', ARGV[4])
              return epoch
            end
            return 0
            """);

    /** KEYS owner, session; ARGV node, incarnation, epoch, state. Writes only for the current owner at its epoch. */
    static final Script WRITE_SESSION = Script.of("write-session", """
            local o = redis.call('HMGET', KEYS[1], 'node', 'inc', 'epoch')
            if o[1] == ARGV[1] and o[2] == ARGV[2] and o[3] == ARGV[3] then
              redis.call('SET', KEYS[2], ARGV[4])
              return 1
            end
            return 0
            """);

    /**
     * KEYS owner, session; ARGV node, incarnation, epoch. Clears the owner (not the epoch) and the session state (it
     * ended) for the current owner only.
     */
    static final Script RELEASE = Script.of("release", """
            local o = redis.call('HMGET', KEYS[1], 'node', 'inc', 'epoch')
            if o[1] == ARGV[1] and o[2] == ARGV[2] and o[3] == ARGV[3] then
              redis.call('HDEL', KEYS[1], 'node', 'inc')
              redis.call('DEL', KEYS[2])
              return 1
            end
            return 0
            """);

    /**
     * KEYS routes, routemeta; ARGV channel, incarnation, seq, full ('1'/'0'), number added, delta payload, then the
     * added filters, then the removed ones. Changes the set, records (incarnation, seq) and announces the delta in one
     * step, so a reader of the set and its seq never sees one without the other.
     */
    static final Script CHANGE_ROUTES = Script.of("change-routes", """
            if ARGV[4] == '1' then redis.call('DEL', KEYS[1]) end
            local added = tonumber(ARGV[5])
            for i = 7, 6 + added do redis.call('SADD', KEYS[1], ARGV[i]) end
            for i = 7 + added, #ARGV do redis.call('SREM', KEYS[1], ARGV[i]) end
            redis.call('HSET', KEYS[2], 'inc', ARGV[2], 'seq', ARGV[3])
            redis.call('PUBLISH', ARGV[1], ARGV[6])
            return tonumber(ARGV[3])
            """);

    /** KEYS routes, routemeta. The set with the (incarnation, seq) it belongs to, read atomically. */
    static final Script LOAD_ROUTES = Script.of("load-routes", """
            local meta = redis.call('HMGET', KEYS[2], 'inc', 'seq')
            return {meta[1] or '', meta[2] or '', redis.call('SMEMBERS', KEYS[1])}
            """);

    /** KEYS routes, routemeta; ARGV incarnation. Drops a dead incarnation's routes unless its node id wrote anew. */
    static final Script FORGET_ROUTES = Script.of("forget-routes", """
            if redis.call('HGET', KEYS[2], 'inc') == ARGV[1] then
              redis.call('DEL', KEYS[1], KEYS[2])
              return 1
            end
            return 0
            """);

    /** KEYS members; ARGV node id, incarnation. Removes the member unless it registered again with another one. */
    static final Script FORGET_MEMBER = Script.of("forget-member", """
            if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
              return redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 0
            """);

    /**
     * KEYS retained, versions; ARGV topic, body, channel. Stores the body under a new version and announces
     * 'S' version NUL topic NUL body (a topic never contains NUL [MQTT-4.7.3-2]).
     */
    static final Script SET_RETAINED = Script.of("set-retained", """
            local v = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('PUBLISH', ARGV[3], 'S' .. v .. '\\0' .. ARGV[1] .. '\\0' .. ARGV[2])
            return v
            """);

    /** KEYS retained, versions; ARGV topic, channel. Deletes under a new version and announces 'D' version NUL topic. */
    static final Script DELETE_RETAINED = Script.of("delete-retained", """
            local v = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('PUBLISH', ARGV[2], 'D' .. v .. '\\0' .. ARGV[1])
            return v
            """);

    private RedisScripts() {
    }

    /** Runs {@code script} by its SHA, sending its text once when Redis answers NOSCRIPT. */
    static <T> CompletionStage<T> run(RedisClusterAsyncCommands<String, byte[]> redis, Script script, ScriptOutputType type,
                                      String[] keys, byte[]... args) {
        CompletableFuture<T> result = new CompletableFuture<>();
        redis.<T>evalsha(script.sha(), type, keys, args).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
            } else if (failure instanceof RedisNoScriptException
                    || String.valueOf(failure.getMessage()).startsWith("NOSCRIPT")) {
                redis.<T>eval(script.text(), type, keys, args).whenComplete((again, error) -> {
                    if (error == null) {
                        result.complete(again);
                    } else {
                        result.completeExceptionally(error);
                    }
                });
            } else {
                result.completeExceptionally(failure);
            }
        });
        return result;
    }
}
