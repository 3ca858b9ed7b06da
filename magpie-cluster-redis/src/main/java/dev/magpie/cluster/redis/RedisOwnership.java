package dev.magpie.cluster.redis;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.magpie.cluster.ClientOwner;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.OwnershipClaim;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import static dev.magpie.cluster.redis.WireCodec.text;
import static dev.magpie.cluster.redis.WireCodec.utf8;

/**
 * Client-id ownership in Redis: the owner hash and the session string of one client share the hash tag
 * {@code {c:<client>}}, so the claim and the fenced writes are single scripts ({@link RedisScripts#CLAIM},
 * {@link RedisScripts#WRITE_SESSION}, {@link RedisScripts#RELEASE}). A write must match node, incarnation and epoch.
 * Each incarnation also keeps the set of ids it claimed ({@link RedisKeys#clients}), added to before the claim (so a
 * node that dies between the two leaves no owned id out of it) and removed from after a release: the survivor that
 * cleans up after a dead node reads it, and adopts each id the dead node still owns ({@link RedisScripts#CLAIM_FROM}).
 */
final class RedisOwnership {
    private final RedisKeys keys;
    private final NodeIdentity self;
    private final String incarnation;

    RedisOwnership(RedisKeys keys, NodeIdentity self) {
        this.keys = keys;
        this.self = self;
        this.incarnation = Long.toHexString(self.incarnation());
    }

    CompletionStage<OwnershipClaim> claim(RedisClusterAsyncCommands<String, byte[]> redis, String clientId) {
        redis.sadd(keys.clients(self.nodeId(), self.incarnation()), utf8(clientId)); // pipelined, ahead of the claim
        return RedisScripts.<java.util.List<Object>>run(redis, RedisScripts.CLAIM, ScriptOutputType.MULTI,
                new String[] {keys.owner(clientId)}, utf8(self.nodeId()), utf8(incarnation)).thenApply(reply -> {
                    String node = text((byte[]) reply.get(0));
                    String inc = text((byte[]) reply.get(1));
                    long epoch = (Long) reply.get(2);
                    Optional<ClientOwner> previous = node.isEmpty() ? Optional.empty() : Optional.of(new ClientOwner(
                            new NodeIdentity(node, Long.parseUnsignedLong(inc, 16)), epoch - 1));
                    return new OwnershipClaim(clientId, epoch, previous);
                });
    }

    CompletionStage<Optional<ClientOwner>> owner(RedisClusterAsyncCommands<String, byte[]> redis, String clientId) {
        return redis.hmget(keys.owner(clientId), "node", "inc", "epoch").thenApply(values -> {
            if (values.size() < 3 || !values.get(0).hasValue() || !values.get(1).hasValue()) {
                return Optional.<ClientOwner>empty();
            }
            NodeIdentity node = new NodeIdentity(text(values.get(0).getValue()),
                    Long.parseUnsignedLong(text(values.get(1).getValue()), 16));
            return Optional.of(new ClientOwner(node, Long.parseLong(text(values.get(2).getValue()))));
        });
    }

    CompletionStage<Boolean> writeSession(RedisClusterAsyncCommands<String, byte[]> redis, String clientId, long epoch,
                                          byte[] state) {
        return RedisScripts.<Long>run(redis, RedisScripts.WRITE_SESSION, ScriptOutputType.INTEGER,
                new String[] {keys.owner(clientId), keys.session(clientId)}, ownerArgs(epoch, state))
                .thenApply(written -> written == 1);
    }

    CompletionStage<Optional<byte[]>> loadSession(RedisClusterAsyncCommands<String, byte[]> redis, String clientId) {
        return redis.get(keys.session(clientId)).thenApply(Optional::ofNullable);
    }

    CompletionStage<Boolean> release(RedisClusterAsyncCommands<String, byte[]> redis, String clientId, long epoch) {
        return RedisScripts.<Long>run(redis, RedisScripts.RELEASE, ScriptOutputType.INTEGER,
                new String[] {keys.owner(clientId), keys.session(clientId)}, ownerArgs(epoch)).thenCompose(released -> untrack(redis, clientId)
                        .thenApply(ignored -> released == 1));
    }

    /** Drops {@code clientId} from this incarnation's set (released, or taken over by another node). */
    CompletionStage<Long> untrack(RedisClusterAsyncCommands<String, byte[]> redis, String clientId) {
        return redis.srem(keys.clients(self.nodeId(), self.incarnation()), utf8(clientId));
    }

    CompletionStage<Set<String>> clientsOf(RedisClusterAsyncCommands<String, byte[]> redis, NodeIdentity node) {
        return redis.smembers(keys.clients(node.nodeId(), node.incarnation())).thenApply(members -> {
            Set<String> ids = new HashSet<>(members.size() * 2);
            members.forEach(id -> ids.add(text(id)));
            return ids;
        });
    }

    CompletionStage<Optional<OwnershipClaim>> claimFrom(RedisClusterAsyncCommands<String, byte[]> redis, String clientId,
                                                        NodeIdentity expected) {
        return RedisScripts.<Long>run(redis, RedisScripts.CLAIM_FROM, ScriptOutputType.INTEGER,
                new String[] {keys.owner(clientId)}, utf8(expected.nodeId()), utf8(Long.toHexString(expected.incarnation())),
                utf8(self.nodeId()), utf8(incarnation)).thenCompose(epoch -> {
                    if (epoch == 0) {
                        return CompletableFuture.completedFuture(Optional.<OwnershipClaim>empty());
                    }
                    OwnershipClaim claim = new OwnershipClaim(clientId, epoch, Optional.of(new ClientOwner(expected, epoch - 1)));
                    return redis.sadd(keys.clients(self.nodeId(), self.incarnation()), utf8(clientId))
                            .thenApply(added -> Optional.of(claim));
                });
    }

    /** Deletes a dead incarnation's set, once its cleanup is done. */
    CompletionStage<Long> forgetClients(RedisClusterAsyncCommands<String, byte[]> redis, NodeIdentity dead) {
        return redis.del(keys.clients(dead.nodeId(), dead.incarnation()));
    }

    private byte[][] ownerArgs(long epoch, byte[]... more) {
        byte[][] args = new byte[3 + more.length][];
        args[0] = utf8(self.nodeId());
        args[1] = utf8(incarnation);
        args[2] = utf8(Long.toString(epoch));
        System.arraycopy(more, 0, args, 3, more.length);
        return args;
    }
}
