package dev.magpie.security.throttle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * The threads that run password checks, shared fairly between client addresses so that one address (or a few)
 * sending wrong passwords as fast as it can never starves the others: each address has its own queue and the
 * threads take one task from each address with work in turn (round-robin), so a good client waits behind at most
 * one task per other busy address, not behind a flood.
 *
 * <p>A key's tasks run one at a time, on one thread: with one flooding address and two threads, the second thread
 * is always free for everybody else.
 *
 * <p>Bounded twice: at most {@code maxPerKey} authentications of one address and {@code maxPending} in all may be
 * queued or running at once. Past either, {@link #open} answers empty and the caller sheds the login (answers
 * "server unavailable" at once) instead of queueing work it cannot do in time.
 *
 * <p>One authentication is one {@link Lane}: the chain runs each of its steps on the lane, and closes it when done
 * or timed out. Closing drops the steps still queued, so a timed-out check costs nothing more; a step already
 * running finishes (a hash cannot be interrupted), and its place is freed when it does.
 *
 * <pre>{@code
 * FairExecutor executor = new FairExecutor(2, 256, 4, Executors.defaultThreadFactory());
 * Optional<FairExecutor.Lane> lane = executor.open(AddressKey.of(remoteAddress));
 * lane.ifPresentOrElse(l -> CompletableFuture.supplyAsync(check, l).whenComplete((r, e) -> l.close()), shed);
 * }</pre>
 */
public final class FairExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(FairExecutor.class);

    private final int maxPending;
    private final int maxPerKey;
    private final Map<Object, KeyQueue> queues = new HashMap<>();
    /** Keys with queued tasks, in the order they get their next turn. */
    private final ArrayDeque<KeyQueue> turns = new ArrayDeque<>();
    private final List<Thread> workers = new ArrayList<>();
    private int pending;
    private boolean shutdown;

    public FairExecutor(int threads, int maxPending, int maxPerKey, ThreadFactory threadFactory) {
        if (threads < 1 || maxPending < 1 || maxPerKey < 1) {
            throw new IllegalArgumentException("threads, maxPending and maxPerKey must be >= 1");
        }
        this.maxPending = maxPending;
        this.maxPerKey = maxPerKey;
        for (int i = 0; i < threads; i++) {
            Thread t = threadFactory.newThread(this::work);
            workers.add(t);
            t.start();
        }
    }

    /** A lane for one authentication on behalf of {@code key}, or empty if that key or the whole executor is full. */
    public synchronized Optional<Lane> open(Object key) {
        if (shutdown || pending >= maxPending) {
            return Optional.empty();
        }
        KeyQueue q = queues.computeIfAbsent(key, KeyQueue::new);
        if (q.lanes >= maxPerKey) {
            return Optional.empty();
        }
        q.lanes++;
        pending++;
        return Optional.of(new Lane(q));
    }

    /** Authentications queued or running now. */
    public synchronized int pending() {
        return pending;
    }

    /** Stops the threads; queued tasks are dropped. */
    public void shutdownNow() {
        synchronized (this) {
            shutdown = true;
            turns.clear();
            queues.clear();
            notifyAll();
        }
        workers.forEach(Thread::interrupt);
    }

    private void work() {
        while (true) {
            Task task;
            synchronized (this) {
                while (turns.isEmpty() && !shutdown) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        if (shutdown) {
                            return;
                        }
                    }
                }
                if (shutdown) {
                    return;
                }
                KeyQueue q = turns.pollFirst();
                q.inTurns = false; // out of the turns while its task runs: one key never holds two threads
                q.running = true;
                task = q.tasks.pollFirst();
                task.lane.running++;
            }
            try {
                task.runnable.run();
            } catch (Throwable t) {
                LOG.warn("authentication step failed: {}", t.toString());
            } finally {
                synchronized (this) {
                    KeyQueue q = task.lane.queue;
                    q.running = false;
                    if (!q.tasks.isEmpty() && !shutdown) {
                        q.inTurns = true;
                        turns.addLast(q); // its next task waits for every other key's turn
                        notify();
                    }
                    task.lane.running--;
                    task.lane.releaseIfDone();
                }
            }
        }
    }

    private static final class KeyQueue {
        private final Object key;
        private final ArrayDeque<Task> tasks = new ArrayDeque<>();
        private int lanes;
        private boolean inTurns;
        private boolean running;

        KeyQueue(Object key) {
            this.key = key;
        }
    }

    private record Task(Lane lane, Runnable runnable) {
    }

    /** The steps of one authentication; an {@link Executor} that runs them in the key's turns. */
    public final class Lane implements Executor, AutoCloseable {
        private final KeyQueue queue;
        private int running;
        private boolean closed;
        private boolean released;

        private Lane(KeyQueue queue) {
            this.queue = queue;
        }

        /** Queues a step; refused once the lane is closed or the executor shut down. */
        @Override
        public void execute(Runnable step) {
            synchronized (FairExecutor.this) {
                if (closed || shutdown) {
                    throw new RejectedExecutionException("authentication already finished");
                }
                queue.tasks.addLast(new Task(this, step));
                if (!queue.inTurns && !queue.running) {
                    queue.inTurns = true;
                    turns.addLast(queue);
                }
                FairExecutor.this.notify();
            }
        }

        /** Ends the authentication: its queued steps are dropped, its place freed once no step runs. */
        @Override
        public void close() {
            synchronized (FairExecutor.this) {
                if (closed) {
                    return;
                }
                closed = true;
                queue.tasks.removeIf(t -> t.lane == this);
                if (queue.tasks.isEmpty() && queue.inTurns) {
                    queue.inTurns = false;
                    turns.remove(queue);
                }
                releaseIfDone();
            }
        }

        private void releaseIfDone() {
            if (closed && running == 0 && !released) {
                released = true;
                pending--;
                if (--queue.lanes == 0 && queue.tasks.isEmpty() && !queue.running) {
                    queues.remove(queue.key);
                }
            }
        }
    }
}
