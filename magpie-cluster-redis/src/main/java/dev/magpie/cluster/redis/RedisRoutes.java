package dev.magpie.cluster.redis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.RouteDelta;
import dev.magpie.cluster.RouteSnapshot;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import static dev.magpie.cluster.redis.WireCodec.text;
import static dev.magpie.cluster.redis.WireCodec.utf8;

/**
 * This node's routes in Redis, and reading a peer's. It keeps the set the node means to have, so that after a failed
 * change (the store may or may not have it) the next change is sent whole, and a reconnect can put it all back.
 * Numbering and sending happen under one lock: deltas leave on the one command connection in sequence order.
 */
final class RedisRoutes {
    private final RedisKeys keys;
    private final NodeIdentity self;
    private final String incarnation;
    private final Object lock = new Object();
    private final Set<String> local = new HashSet<>();
    private long seq;
    private boolean dirty;

    RedisRoutes(RedisKeys keys, NodeIdentity self) {
        this.keys = keys;
        this.self = self;
        this.incarnation = Long.toHexString(self.incarnation());
    }

    /** The set this node means to have. */
    Set<String> local() {
        synchronized (lock) {
            return Set.copyOf(local);
        }
    }

    CompletionStage<Long> change(RedisClusterAsyncCommands<String, byte[]> redis, boolean full, Set<String> added,
                                 Set<String> removed) {
        CompletionStage<Long> stored;
        synchronized (lock) {
            if (full) {
                local.clear();
            }
            local.removeAll(removed);
            local.addAll(added);
            boolean sendAll = full || dirty;
            dirty = false;
            RouteDelta delta = sendAll
                    ? new RouteDelta(self, ++seq, true, local, Set.of())
                    : new RouteDelta(self, ++seq, false, added, removed);
            List<byte[]> args = new ArrayList<>();
            args.add(utf8(keys.routeChannel()));
            args.add(utf8(incarnation));
            args.add(utf8(Long.toString(delta.seq())));
            args.add(utf8(delta.full() ? "1" : "0"));
            args.add(utf8(Integer.toString(delta.added().size())));
            args.add(WireCodec.encode(delta));
            delta.added().forEach(filter -> args.add(utf8(filter)));
            delta.removed().forEach(filter -> args.add(utf8(filter)));
            stored = RedisScripts.run(redis, RedisScripts.CHANGE_ROUTES, ScriptOutputType.INTEGER,
                    new String[] {keys.routes(self.nodeId()), keys.routeMeta(self.nodeId())},
                    args.toArray(byte[][]::new));
        }
        return stored.whenComplete((stored2, failure) -> {
            if (failure != null) {
                synchronized (lock) {
                    dirty = true;                        // the store may miss this change: send all next time
                }
            }
        });
    }

    CompletionStage<Optional<RouteSnapshot>> load(RedisClusterAsyncCommands<String, byte[]> redis, String nodeId) {
        return RedisScripts.<List<Object>>run(redis, RedisScripts.LOAD_ROUTES, ScriptOutputType.MULTI,
                new String[] {keys.routes(nodeId), keys.routeMeta(nodeId)}).thenApply(reply -> {
                    String inc = text((byte[]) reply.get(0));
                    if (inc.isEmpty()) {
                        return Optional.<RouteSnapshot>empty();
                    }
                    Set<String> filters = new HashSet<>();
                    for (Object filter : (List<?>) reply.get(2)) {
                        filters.add(text((byte[]) filter));
                    }
                    return Optional.of(new RouteSnapshot(new NodeIdentity(nodeId, Long.parseUnsignedLong(inc, 16)),
                            Long.parseLong(text((byte[]) reply.get(1))), filters));
                });
    }

    /** Drops {@code node}'s stored routes unless its node id wrote anew with another incarnation. */
    CompletionStage<Long> forget(RedisClusterAsyncCommands<String, byte[]> redis, NodeIdentity node) {
        return RedisScripts.run(redis, RedisScripts.FORGET_ROUTES, ScriptOutputType.INTEGER,
                new String[] {keys.routes(node.nodeId()), keys.routeMeta(node.nodeId())},
                utf8(Long.toHexString(node.incarnation())));
    }
}
