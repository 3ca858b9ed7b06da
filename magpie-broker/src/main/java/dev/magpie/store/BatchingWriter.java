package dev.magpie.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread that writes to the database. Callers (Netty event loops) {@link #submit} a write and return at
 * once; the thread takes everything queued, applies it in one transaction and commits (group commit): while
 * one commit runs, the next batch gathers, so a burst costs a few commits, not one per message, and an idle
 * broker commits a lone write without waiting for company.
 *
 * <h2>A full queue</h2>
 * The queue is bounded. When the disk cannot keep up and it fills, {@link #submit} refuses the write rather than
 * block an event loop: the write is counted in {@link #droppedWrites()} (the {@code magpie.store.dropped.writes}
 * gauge) and logged (the first, then every 10,000th). The broker's in-memory state stays right; only what a
 * restart would find is behind. A write that fails in SQL is retried alone, so one bad row loses only itself.
 */
final class BatchingWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchingWriter.class);
    private static final int MAX_BATCH = 1_000;
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    /** One change, applied on the writer thread inside a transaction. */
    @FunctionalInterface
    interface Write {
        void apply(Connection connection) throws SQLException;

        /** Called on the writer thread once the transaction holding this write committed. */
        default void committed() {
        }
    }

    private final Connection connection;
    /** Statements prepared once per SQL text; used only by the writer thread. */
    private final StatementCache statements;
    private final Object connectionLock;
    private final String location;
    private final BlockingQueue<Write> queue;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Set when no write of a transaction could be applied, even one by one; cleared by the next commit. */
    private volatile String failing;
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean closing;
    /** Told of each commit; set once by the broker after opening, read by the writer thread. */
    private volatile SqliteMessageStore.CommitListener commitListener = (writes, nanos) -> { };
    private boolean closedLogged;

    /**
     * @param connectionLock held while a batch runs, so that a reader on another thread never sees half a batch
     */
    BatchingWriter(Connection connection, Object connectionLock, String location, int capacity) {
        this.connection = connection;
        this.statements = new StatementCache(connection);
        this.connectionLock = connectionLock;
        this.location = location;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "magpie-store-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues {@code write}; false (and counted) if the queue is full or the writer is closed. Never blocks. */
    boolean submit(Write write) {
        if (!closing && queue.offer(write)) {
            return true;
        }
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 10_000 == 0) {
            LOG.warn("message store {}: {} writes dropped so far, the write queue is full or closed ({} entries); "
                    + "the broker runs on, but a restart will not find these changes", location, n, queue.size());
        }
        return false;
    }

    long droppedWrites() {
        return dropped.get();
    }

    long failedWrites() {
        return failed.get();
    }

    /** Transactions committed so far (batches, not writes). */
    long commits() {
        return commits.get();
    }

    /**
     * Why writes are not being kept: the last transaction failed as a whole and so did each of its writes on its own
     * (a broken disk or file, not one bad row), until a commit succeeds again; or the writer thread ended early.
     */
    java.util.Optional<String> problem() {
        if (!closing && thread.getState() == Thread.State.TERMINATED) {
            return java.util.Optional.of("the writer thread of " + location + " has stopped");
        }
        String now = failing;
        return now == null ? java.util.Optional.empty() : java.util.Optional.of("writes to " + location + " fail: " + now);
    }

    int queued() {
        return queue.size();
    }

    void onCommit(SqliteMessageStore.CommitListener listener) {
        this.commitListener = listener;
    }

    private void run() {
        List<Write> batch = new ArrayList<>(64);
        while (!closing || !queue.isEmpty()) {
            try {
                Write first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                apply(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
    }

    private void apply(List<Write> batch) {
        synchronized (connectionLock) {
            try {
                inTransaction(batch);
            } catch (SQLException e) {
                // retry one by one: only the writes that fail on their own are lost
                int lost = 0;
                String last = e.getMessage();
                for (Write write : batch) {
                    try {
                        inTransaction(List.of(write));
                    } catch (SQLException single) {
                        lost++;
                        last = single.getMessage();
                        failed.incrementAndGet();
                        LOG.error("message store {}: a write failed and is lost: {}", location, single.getMessage());
                    }
                }
                if (lost == batch.size()) {
                    failing = last;
                }
            }
        }
    }

    private void inTransaction(List<Write> writes) throws SQLException {
        connection.setAutoCommit(false);
        try {
            long started = System.nanoTime();
            for (Write write : writes) {
                write.apply(statements.connection());
            }
            connection.commit();
            commits.incrementAndGet();
            failing = null;
            try {
                commitListener.committed(writes.size(), System.nanoTime() - started);
            } catch (RuntimeException e) {
                LOG.warn("message store {}: the commit listener failed: {}", location, e.toString());
            }
            for (Write write : writes) {
                try {
                    write.committed();
                } catch (RuntimeException e) {
                    LOG.warn("message store {}: a commit callback failed: {}", location, e.toString());
                }
            }
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // the write's failure is what matters
            }
            throw e instanceof SQLException s ? s : new SQLException(e);
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Applies everything queued, then stops the thread (waiting up to 10 s). Idempotent. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("message store {}: the writer did not finish within {} ms; {} writes not applied", location,
                    CLOSE_WAIT_MILLIS, queue.size());
        } else if (!closedLogged) {
            closedLogged = true;
            // one line per run: how many transactions the writes shared (magpie-bench's durability run reads it)
            LOG.info("message store {}: writer stopped after {} commits, {} writes dropped, {} failed", location,
                    commits.get(), dropped.get(), failed.get());
        }
    }
}
