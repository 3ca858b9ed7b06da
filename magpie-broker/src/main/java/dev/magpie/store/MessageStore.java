package dev.magpie.store;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the broker keeps what must survive a restart: today the retained messages. The broker loads them
 * once at start and afterwards only writes (set, replace, clear); it never reads the store while running,
 * its in-memory index answers subscriptions.
 *
 * <h2>Threads</h2>
 * {@link #loadRetained} is called once, by the thread that starts the broker, before any listener is bound.
 * {@link #putRetained} and {@link #removeRetained} are called on Netty event loops and must never block: an
 * implementation that does I/O queues the write for its own thread (as {@link SqliteMessageStore} does) and
 * returns at once. Writes to one topic are applied in the order they were called. {@link #close()} is called
 * by whoever opened the store; it applies the writes still queued.
 *
 * <h2>Choosing one</h2>
 * <pre>{@code
 * Broker.builder().dataDirectory(Path.of("data"))          // SQLite: <data>/magpie.db, survives restarts
 * Broker.builder().store(MessageStore.inMemory())           // kept while this JVM runs (tests, demos)
 * Broker.builder()                                          // neither: nothing is kept after stop()
 * }</pre>
 */
public interface MessageStore extends AutoCloseable {

    /**
     * The retained messages that have not expired at {@code nowMillis}; expired ones are left out and may be
     * deleted.
     *
     * @throws StoreException if the store cannot be read
     */
    List<StoredMessage> loadRetained(long nowMillis);

    /** Stores {@code message} as the retained message of its topic, replacing any other. Never blocks. */
    void putRetained(StoredMessage message);

    /** Clears the retained message of {@code topic}, if any. Never blocks. */
    void removeRetained(String topic);

    /** Applies queued writes and releases the store. Idempotent. */
    @Override
    void close();

    /** A store in this JVM's memory: a broker started again with the same instance finds what the last one kept. */
    static MessageStore inMemory() {
        return new MemoryMessageStore();
    }

    /**
     * The SQLite store {@code <dataDir>/magpie.db} (the user database's file) with {@link SyncMode#NORMAL}.
     *
     * @throws StoreException if the file cannot be created, opened or migrated
     */
    static MessageStore open(Path dataDir) {
        return SqliteMessageStore.open(dataDir, SyncMode.NORMAL, SqliteMessageStore.DEFAULT_QUEUE_CAPACITY);
    }

    /** A store that keeps nothing: what a broker uses when none is configured. */
    static MessageStore none() {
        return NoMessageStore.INSTANCE;
    }
}
