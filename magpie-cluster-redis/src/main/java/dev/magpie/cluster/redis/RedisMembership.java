package dev.magpie.cluster.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.NodeLease;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import static dev.magpie.cluster.redis.WireCodec.text;
import static dev.magpie.cluster.redis.WireCodec.utf8;

/**
 * Liveness in Redis: the member hash (no hash tag: one key, one slot) and each node's lease under its own tag
 * {@code {n:<node>}}. They live in different slots of a Redis Cluster, so nothing here touches both in one command:
 * the renewal is two commands (the lease first, so a peer never sees a member without its lease), and the member poll
 * reads the hash and then each member's lease and route sequence with one command per key (pipelined), never a
 * multi-key read that a Redis Cluster would refuse as {@code CROSSSLOT}.
 */
final class RedisMembership {
    private final RedisKeys keys;
    private final NodeIdentity self;
    private final String incarnation;

    RedisMembership(RedisKeys keys, NodeIdentity self) {
        this.keys = keys;
        this.self = self;
        this.incarnation = Long.toHexString(self.incarnation());
    }

    /** Renews this node's lease for {@code ttl}; true when it was still this incarnation's. */
    CompletionStage<Boolean> renew(RedisClusterAsyncCommands<String, byte[]> redis, Duration ttl) {
        CompletionStage<byte[]> before = redis.setGet(keys.lease(self.nodeId()), utf8(incarnation), SetArgs.Builder.px(ttl));
        CompletionStage<Boolean> member = redis.hset(keys.members(), self.nodeId(), utf8(incarnation));
        return before.thenCombine(member, (previous, ignored) -> previous != null && text(previous).equals(incarnation));
    }

    /** Every registered member with whether its lease is held by the incarnation registered, and its route seq. */
    CompletionStage<List<NodeLease>> members(RedisClusterAsyncCommands<String, byte[]> redis) {
        return redis.hgetall(keys.members()).thenCompose(members -> {
            List<CompletableFuture<NodeLease>> leases = new ArrayList<>();
            for (Map.Entry<String, byte[]> member : members.entrySet()) {
                String nodeId = member.getKey();
                String inc = text(member.getValue());
                CompletableFuture<byte[]> lease = redis.get(keys.lease(nodeId)).toCompletableFuture();
                CompletableFuture<byte[]> seq = redis.hget(keys.routeMeta(nodeId), "seq").toCompletableFuture();
                leases.add(lease.thenCombine(seq, (holder, routeSeq) -> new NodeLease(
                        new NodeIdentity(nodeId, Long.parseUnsignedLong(inc, 16)),
                        holder != null && text(holder).equals(inc),
                        routeSeq == null ? 0 : Long.parseLong(text(routeSeq)))));
            }
            return CompletableFuture.allOf(leases.toArray(CompletableFuture[]::new))
                    .thenApply(ignored -> leases.stream().map(CompletableFuture::join).toList());
        });
    }

    /** {@code SET NX PX}: true for the one survivor that may clean up after {@code dead}. */
    CompletionStage<Boolean> claimCleanup(RedisClusterAsyncCommands<String, byte[]> redis, NodeIdentity dead,
                                          Duration guard) {
        return redis.set(keys.cleanup(dead.nodeId(), dead.incarnation()), utf8(self.toString()),
                SetArgs.Builder.nx().px(guard)).thenApply("OK"::equals);
    }

    /** Removes {@code node} from the member hash unless its node id registered again with another incarnation. */
    CompletionStage<Long> forgetMember(RedisClusterAsyncCommands<String, byte[]> redis, NodeIdentity node) {
        return RedisScripts.run(redis, RedisScripts.FORGET_MEMBER, ScriptOutputType.INTEGER,
                new String[] {keys.members()}, utf8(node.nodeId()), utf8(Long.toHexString(node.incarnation())));
    }

    /** Gives up this node's lease (a planned stop). */
    CompletionStage<Long> dropLease(RedisClusterAsyncCommands<String, byte[]> redis) {
        return redis.del(keys.lease(self.nodeId()));
    }
}
