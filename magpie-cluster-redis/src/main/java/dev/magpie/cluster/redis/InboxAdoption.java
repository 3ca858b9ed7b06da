package dev.magpie.cluster.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import dev.magpie.cluster.InboxDeduper;
import dev.magpie.cluster.InboxHandler;
import dev.magpie.cluster.InboxMessage;
import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Drains a dead node's inbox for the cleanup winner, without blocking: first what the dead node had read but not
 * acknowledged ({@code XAUTOCLAIM} with no minimum idle time: its consumer is gone), then what it never read
 * ({@code XREADGROUP} without {@code BLOCK}), one batch at a time, acknowledging each after the handler's stage.
 */
final class InboxAdoption {
    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final String stream;
    private final Consumer<String> consumer;
    private final InboxHandler handler;
    private final int batch;
    private final Executor callbacks;
    private final InboxDeduper deduper = new InboxDeduper(65_536, 1_024);
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    private int handed;

    InboxAdoption(RedisClusterAsyncCommands<String, byte[]> redis, String stream, String consumerName, InboxHandler handler,
                  int batch, Executor callbacks) {
        this.redis = redis;
        this.stream = stream;
        this.consumer = Consumer.from(RedisKeys.INBOX_GROUP, consumerName);
        this.handler = handler;
        this.batch = batch;
        this.callbacks = callbacks;
    }

    CompletionStage<Integer> run() {
        redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), RedisKeys.INBOX_GROUP,
                XGroupCreateArgs.Builder.mkstream()).whenCompleteAsync((ok, failure) -> {
                    // BUSYGROUP (it exists) is the usual answer; any other failure shows in the next command
                    next();
                }, callbacks);
        return done;
    }

    @SuppressWarnings("unchecked") // Lettuce's xreadgroup takes varargs of a generic StreamOffset
    private void next() {
        redis.xautoclaim(stream, new XAutoClaimArgs<String>().consumer(consumer).minIdleTime(0).startId("0-0")
                .count(batch)).thenCompose(claimed -> claimed.getMessages().isEmpty()
                        ? redis.xreadgroup(consumer, XReadArgs.Builder.count(batch),
                                XReadArgs.StreamOffset.lastConsumed(stream))
                        : CompletableFuture.completedFuture(claimed.getMessages()))
                .whenCompleteAsync((entries, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else if (entries == null || entries.isEmpty()) {
                        done.complete(handed);
                    } else {
                        hand(entries);
                    }
                }, callbacks);
    }

    private void hand(List<StreamMessage<String, byte[]>> entries) {
        List<InboxMessage> messages = new ArrayList<>(entries.size());
        List<String> ids = new ArrayList<>(entries.size());
        for (StreamMessage<String, byte[]> entry : entries) {
            ids.add(entry.getId());
            if (entry.getBody() != null && !entry.getBody().isEmpty()) {
                messages.add(WireCodec.message(entry.getBody()));
            }
        }
        List<InboxMessage> fresh = deduper.fresh(messages);
        CompletionStage<Void> handled;
        try {
            handled = fresh.isEmpty() ? CompletableFuture.completedFuture(null) : handler.handle(fresh);
        } catch (RuntimeException e) {
            handled = CompletableFuture.failedFuture(e);
        }
        handled.thenCompose(ignored -> {
            deduper.handled(fresh);
            handed += fresh.size();
            return redis.xack(stream, RedisKeys.INBOX_GROUP, ids.toArray(String[]::new));
        }).whenCompleteAsync((acked, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                next();
            }
        }, callbacks);
    }
}
