package dev.magpie.cluster.redis;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import dev.magpie.cluster.ClientOwner;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.OwnershipClaim;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

import static dev.magpie.cluster.redis.WireCodec.text;
import static dev.magpie.cluster.redis.WireCodec.utf8;

/**
 * Client-id ownership in Redis: the owner hash and the session string of one client share the hash tag
 * {@code {c:<client>}}, so the claim and the fenced writes are single scripts ({@link RedisScripts#CLAIM},
 * {@link RedisScripts#WRITE_SESSION}, {@link RedisScripts#RELEASE}). A write must match node, incarnation and epoch.
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

    CompletionStage<OwnershipClaim> claim(RedisAsyncCommands<String, byte[]> redis, String clientId) {
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

    CompletionStage<Optional<ClientOwner>> owner(RedisAsyncCommands<String, byte[]> redis, String clientId) {
        return redis.hmget(keys.owner(clientId), "node", "inc", "epoch").thenApply(values -> {
            if (values.size() < 3 || !values.get(0).hasValue() || !values.get(1).hasValue()) {
                return Optional.<ClientOwner>empty();
            }
            NodeIdentity node = new NodeIdentity(text(values.get(0).getValue()),
                    Long.parseUnsignedLong(text(values.get(1).getValue()), 16));
            return Optional.of(new ClientOwner(node, Long.parseLong(text(values.get(2).getValue()))));
        });
    }

    CompletionStage<Boolean> writeSession(RedisAsyncCommands<String, byte[]> redis, String clientId, long epoch,
                                          byte[] state) {
        return RedisScripts.<Long>run(redis, RedisScripts.WRITE_SESSION, ScriptOutputType.INTEGER,
                new String[] {keys.owner(clientId), keys.session(clientId)}, ownerArgs(epoch, state))
                .thenApply(written -> written == 1);
    }

    CompletionStage<Optional<byte[]>> loadSession(RedisAsyncCommands<String, byte[]> redis, String clientId) {
        return redis.get(keys.session(clientId)).thenApply(Optional::ofNullable);
    }

    CompletionStage<Boolean> release(RedisAsyncCommands<String, byte[]> redis, String clientId, long epoch) {
        return RedisScripts.<Long>run(redis, RedisScripts.RELEASE, ScriptOutputType.INTEGER,
                new String[] {keys.owner(clientId)}, ownerArgs(epoch)).thenApply(released -> released == 1);
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
