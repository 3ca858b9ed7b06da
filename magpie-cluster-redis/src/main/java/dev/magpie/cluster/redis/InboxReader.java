package dev.magpie.cluster.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.magpie.cluster.InboxDeduper;
import dev.magpie.cluster.InboxHandler;
import dev.magpie.cluster.InboxMessage;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this node's inbox stream on a thread of its own, the only place the backend blocks (an
 * {@code XREADGROUP … BLOCK} on a connection nobody else uses; on a Redis Cluster, the connection to the master of the
 * stream's slot). At start, and after any error (a reconnect, a Redis
 * restarted without the consumer group), it makes sure the group exists, takes over what earlier incarnations left
 * pending ({@code XAUTOCLAIM}), and reads its own pending entries before new ones. A batch is acknowledged
 * ({@code XACK}) only after the handler's stage completed; a failed batch stays pending and is read again, so delivery
 * is at least once, and the {@link InboxDeduper} keeps the handler from seeing a duplicate.
 */
final class InboxReader implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(InboxReader.class);
    private static final int BATCH = 256;
    private static final long RETRY_MILLIS = 100;

    private final RedisClusterCommands<String, byte[]> redis;
    private final String stream;
    private final Consumer<String> consumer;
    private final InboxHandler handler;
    private final Duration block;
    private final Duration handlerTimeout;
    private final InboxDeduper deduper = new InboxDeduper(65_536, 1_024);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    InboxReader(RedisClusterCommands<String, byte[]> redis, String stream, String consumerName,
                InboxHandler handler, Duration block, Duration handlerTimeout) {
        this.redis = redis;
        this.stream = stream;
        this.consumer = Consumer.from(RedisKeys.INBOX_GROUP, consumerName);
        this.handler = handler;
        this.block = block;
        this.handlerTimeout = handlerTimeout;
        this.thread = new Thread(this, "magpie-cluster-inbox-" + consumerName);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    @SuppressWarnings("unchecked") // Lettuce's xreadgroup takes varargs of a generic StreamOffset
    public void run() {
        boolean setUp = false;
        boolean pendingFirst = true;
        try {
            while (running) {
                try {
                    if (!setUp) {
                        setUp(redis);
                        setUp = true;
                        pendingFirst = true;
                    }
                    List<StreamMessage<String, byte[]>> entries = pendingFirst
                            ? redis.xreadgroup(consumer, XReadArgs.Builder.count(BATCH), XReadArgs.StreamOffset.from(stream, "0"))
                            : redis.xreadgroup(consumer, XReadArgs.Builder.count(BATCH).block(block),
                                    XReadArgs.StreamOffset.lastConsumed(stream));
                    if (entries == null || entries.isEmpty()) {
                        pendingFirst = false;
                        continue;
                    }
                    if (!deliver(redis, entries)) {
                        pendingFirst = true;
                        pause();
                    }
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    // NOGROUP after a Redis restart, a dropped connection, a timeout: set up again after a pause
                    LOG.debug("inbox {}: {}; reading again", stream, e.toString());
                    setUp = false;
                    pause();
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    private void setUp(RedisClusterCommands<String, byte[]> redis) {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), RedisKeys.INBOX_GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // BUSYGROUP: the group exists already
        } catch (RedisCommandExecutionException e) {
            if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
                throw e;
            }
        }
        // what earlier incarnations of this node read but never acknowledged becomes ours
        String cursor = "0-0";
        do {
            ClaimedMessages<String, byte[]> claimed = redis.xautoclaim(stream, new XAutoClaimArgs<String>()
                    .consumer(consumer).minIdleTime(0).startId(cursor).count(BATCH).justid());
            cursor = claimed.getId();
        } while (running && !"0-0".equals(cursor));
    }

    /** Hands one batch over; true when it was acknowledged. */
    private boolean deliver(RedisClusterCommands<String, byte[]> redis, List<StreamMessage<String, byte[]>> entries) {
        List<InboxMessage> batch = new ArrayList<>(entries.size());
        List<String> ids = new ArrayList<>(entries.size());
        for (StreamMessage<String, byte[]> entry : entries) {
            ids.add(entry.getId());
            if (entry.getBody() == null || entry.getBody().isEmpty()) {
                continue;                                  // trimmed away while pending: nothing left to deliver
            }
            try {
                batch.add(WireCodec.message(entry.getBody()));
            } catch (IllegalArgumentException e) {
                LOG.warn("inbox {}: entry {} dropped: {}", stream, entry.getId(), e.getMessage());
            }
        }
        List<InboxMessage> fresh = deduper.fresh(batch);
        if (!fresh.isEmpty()) {
            try {
                CompletableFuture<Void> handled = handler.handle(fresh).toCompletableFuture();
                awaitHandled(handled);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                LOG.debug("inbox {}: batch of {} not handled ({}); it comes again", stream, fresh.size(), e.toString());
                return false;
            }
            deduper.handled(fresh);
        }
        redis.xack(stream, RedisKeys.INBOX_GROUP, ids.toArray(String[]::new));
        return true;
    }

    /**
     * Waits for a batch's stage: it completes once the batch is in the sessions' stores and copies, which can take a
     * while when the cluster store is slow. Giving up would hand the batch over again (a duplicate of what was
     * routed), so a slow stage is waited for in {@code handlerTimeout} steps as long as the reader runs.
     */
    private void awaitHandled(CompletableFuture<Void> handled) throws Exception {
        while (true) {
            try {
                handled.get(handlerTimeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.TimeoutException slow) {
                if (!running) {
                    throw slow;
                }
                LOG.debug("inbox {}: a batch is still being committed after {}", stream, handlerTimeout);
            }
        }
    }

    private void pause() {
        try {
            // a retry delay on this reader's own thread, not a synchronisation: stop() ends it at once
            stopped.await(RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops reading; returns once the thread ended (at most one read block later) or after {@code wait}. */
    void stop(Duration wait) {
        running = false;
        thread.interrupt();
        try {
            thread.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
