package dev.magpie.store;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The message store (retained messages, persistent sessions and their subscriptions) in {@code <data-dir>/magpie.db}, the SQLite file the {@link UserStore} uses too (see
 * {@link SqliteFile} for how the two share it).
 *
 * <p><b>Writes</b> go through one {@link BatchingWriter} thread with group commit, so an event loop only
 * queues them. A retained message is therefore durable shortly after the PUBLISH that set it (one commit
 * later, typically well under a millisecond on an idle broker), not before; see {@code docs/persistence.md}
 * for what a kill -9 can lose. <b>Reads</b> happen once, at start, on the starting thread.
 *
 * <p><b>Schema:</b> its own version table ({@code message_schema_version}) and migration steps, independent of
 * the user database's, so either can evolve without the other. A file written by a newer Magpie is refused.
 */
public final class SqliteMessageStore implements MessageStore {
    /** Writes that may wait for the writer thread before new ones are dropped (and counted). */
    public static final int DEFAULT_QUEUE_CAPACITY = 100_000;

    /** The schema version this code reads and writes. */
    public static final int SCHEMA_VERSION = MessageSchema.MIGRATIONS.version();

    private final Object lock = new Object();
    private final Connection connection;
    private final String location;
    private final BatchingWriter writer;
    private final DataDirectoryLock directoryLock;
    private boolean closed; // guarded by lock

    private SqliteMessageStore(Connection connection, String location, int queueCapacity, DataDirectoryLock directoryLock) {
        this.connection = connection;
        this.location = location;
        this.directoryLock = directoryLock;
        this.writer = new BatchingWriter(connection, lock, location, queueCapacity);
    }

    /**
     * Opens (creating the directory and file if needed) {@code <dataDir>/magpie.db} in WAL mode and brings the
     * message tables up to {@link #SCHEMA_VERSION}.
     *
     * @param sync          when a commit reaches the disk
     * @param queueCapacity writes that may wait for the writer thread (see {@link BatchingWriter})
     * @throws StoreException if the file cannot be created, is not an SQLite database, cannot be written, or has
     *                        a newer schema
     */
    public static SqliteMessageStore open(Path dataDir, SyncMode sync, int queueCapacity) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(sync, "sync");
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
        }
        Path file = dataDir.resolve(UserStore.FILE_NAME).toAbsolutePath().normalize();
        try {
            SqliteFile.createPrivately(file);
        } catch (IOException e) {
            throw new StoreException("cannot create the message store " + file + ": " + e
                    + ". Check that the data directory exists and is writable by the broker's user");
        }
        // before SQLite touches the file: a second broker on this directory stops here, naming the holder
        DataDirectoryLock directoryLock = DataDirectoryLock.take(dataDir);
        SQLiteConfig config = SqliteFile.fileConfig(sync);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file);
        Connection connection = null;
        try {
            connection = source.getConnection();
            MessageSchema.MIGRATIONS.apply(connection, "the message store " + file, StoreException::new);
            return new SqliteMessageStore(connection, file.toString(), queueCapacity, directoryLock);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            directoryLock.close();
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot open the message store " + file + ": " + e.getMessage() + SqliteFile.hint(e), e);
        }
    }

    @Override
    public List<StoredMessage> loadRetained(long nowMillis) {
        return loadRetained(nowMillis, 0, 0).messages();
    }

    /** Reads oldest first (by row id) and stops at the bound, so the rows past it are never read into memory. */
    @Override
    public RetainedLoad loadRetained(long nowMillis, int maxMessages, long maxBytes) {
        synchronized (lock) {
            requireOpen();
            try {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM retained WHERE expires_at IS NOT NULL AND expires_at <= ?")) {
                    delete.setLong(1, nowMillis); // [MQTT-3.3.2-5] expired while the broker was down
                    delete.executeUpdate();
                }
                List<StoredMessage> messages = new ArrayList<>();
                long bytes = 0;
                boolean full = false;
                try (Statement s = connection.createStatement();
                     ResultSet rs = s.executeQuery("SELECT topic, qos, payload, properties, stored_at, expires_at, "
                             + "length(topic) + length(payload) FROM retained ORDER BY rowid")) {
                    while (rs.next()) {
                        long size = rs.getLong(7);
                        if ((maxMessages > 0 && messages.size() >= maxMessages) || (maxBytes > 0 && bytes + size > maxBytes)) {
                            full = true;
                            break;
                        }
                        long expires = SqliteFile.millisOrNone(rs, 6);
                        messages.add(new StoredMessage(rs.getString(1), rs.getInt(2), rs.getBytes(3), rs.getBytes(4),
                                rs.getLong(5), expires));
                        bytes += size;
                    }
                }
                long left = 0;
                if (full) {
                    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM retained")) {
                        left = rs.next() ? rs.getLong(1) - messages.size() : 0;
                    }
                }
                return new RetainedLoad(messages, left);
            } catch (SQLException e) {
                throw new StoreException("cannot read retained messages from " + location + ": " + e.getMessage() + SqliteFile.hint(e), e);
            }
        }
    }

    @Override
    public void putRetained(StoredMessage message) {
        Objects.requireNonNull(message, "message");
        writer.submit(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT OR REPLACE INTO retained "
                    + "(topic, qos, payload, properties, stored_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                p.setString(1, message.topic());
                p.setInt(2, message.qos());
                p.setBytes(3, message.payload());
                p.setBytes(4, message.properties());
                p.setLong(5, message.storedAtMillis());
                SqliteFile.setMillisOrNull(p, 6, message.expiresAtMillis());
                p.executeUpdate();
            }
        });
    }

    @Override
    public void removeRetained(String topic) {
        Objects.requireNonNull(topic, "topic");
        writer.submit(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM retained WHERE topic = ?")) {
                p.setString(1, topic);
                p.executeUpdate();
            }
        });
    }

    @Override
    public List<StoredSession> loadSessions(long nowMillis) {
        synchronized (lock) {
            requireOpen();
            try {
                return SessionTables.load(connection, nowMillis);
            } catch (SQLException e) {
                throw new StoreException("cannot read sessions from " + location + ": " + e.getMessage() + SqliteFile.hint(e), e);
            }
        }
    }

    @Override
    public void putSession(StoredSession session) {
        Objects.requireNonNull(session, "session");
        writer.submit(c -> SessionTables.putSession(c, session));
    }

    @Override
    public void removeSession(String clientId) {
        Objects.requireNonNull(clientId, "clientId");
        writer.submit(c -> SessionTables.removeSession(c, clientId));
    }

    @Override
    public void putSubscription(String clientId, StoredSubscription subscription) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(subscription, "subscription");
        writer.submit(c -> SessionTables.putSubscription(c, clientId, subscription));
    }

    @Override
    public void removeSubscription(String clientId, String filter) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(filter, "filter");
        writer.submit(c -> SessionTables.removeSubscription(c, clientId, filter));
    }

    @Override
    public void putDelivery(String clientId, StoredDelivery delivery) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(delivery, "delivery");
        writer.submit(c -> SessionTables.putDelivery(c, clientId, delivery));
    }

    @Override
    public void removeDelivery(String clientId, boolean inflight, long key) {
        Objects.requireNonNull(clientId, "clientId");
        writer.submit(c -> SessionTables.removeDelivery(c, clientId, inflight, key));
    }

    @Override
    public void moveDelivery(String clientId, long queuedKey, StoredDelivery inflight) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(inflight, "inflight");
        writer.submit(c -> {
            // one write, so one transaction: a crash sees the message queued or in flight, never both or neither
            SessionTables.removeDelivery(c, clientId, false, queuedKey);
            SessionTables.putDelivery(c, clientId, inflight);
        });
    }

    @Override
    public void inboundQos2(String clientId, int packetId, long fingerprint, long origin, boolean awaiting) {
        Objects.requireNonNull(clientId, "clientId");
        writer.submit(c -> SessionTables.inboundQos2(c, clientId, packetId, fingerprint, origin, awaiting));
    }

    @Override
    public void inboundQos2Owned(String clientId, int packetId) {
        Objects.requireNonNull(clientId, "clientId");
        writer.submit(c -> SessionTables.inboundQos2Owned(c, clientId, packetId));
    }

    @Override
    public void putWill(String clientId, StoredWill will) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(will, "will");
        writer.submit(c -> SessionTables.putWill(c, clientId, will));
    }

    @Override
    public void removeWill(String clientId) {
        Objects.requireNonNull(clientId, "clientId");
        writer.submit(c -> SessionTables.removeWill(c, clientId));
    }

    @Override
    public void afterCommit(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        boolean queued = writer.submit(new BatchingWriter.Write() {
            @Override
            public void apply(Connection c) {
                // a marker: its transaction commits every write queued before it
            }

            @Override
            public void committed() {
                callback.run();
            }
        });
        if (!queued) {
            callback.run();
        }
    }

    /** Writes refused because the queue was full (see {@link BatchingWriter}). */
    public long droppedWrites() {
        return writer.droppedWrites();
    }

    @Override
    public java.util.Optional<String> problem() {
        return writer.problem();
    }

    /** Writes that failed in SQL and are lost. */
    public long failedWrites() {
        return writer.failedWrites();
    }

    /** Transactions committed so far (each holds a batch of writes, see {@link BatchingWriter}). */
    public long commits() {
        return writer.commits();
    }

    /** Writes waiting for the writer thread. */
    public int queuedWrites() {
        return writer.queued();
    }

    /** Told of every committed transaction, on the writer thread; must be quick (it delays the next commit). */
    @FunctionalInterface
    public interface CommitListener {
        /** {@code writes} writes were committed in one transaction that took {@code nanos} from its first write to its commit. */
        void committed(int writes, long nanos);
    }

    /**
     * Tells {@code listener} of each commit from now on (the broker records them as {@code magpie.store.commit}):
     * <pre>{@code store.onCommit((writes, nanos) -> timer.record(nanos, TimeUnit.NANOSECONDS));}</pre>
     */
    public void onCommit(CommitListener listener) {
        writer.onCommit(Objects.requireNonNull(listener, "listener"));
    }

    /** The database file. */
    public String location() {
        return location;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the message store " + location + " is closed");
        }
    }

    @Override
    public void close() {
        writer.close(); // applies what is queued, outside the lock the writer takes per batch
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(connection);
            directoryLock.close();
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing is best effort; the data is committed
            }
        }
    }

    @Override
    public String toString() {
        return "SQLite store " + location;
    }
}
