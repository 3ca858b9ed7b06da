package dev.magpie.store;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the broker keeps what must survive a restart: the retained messages and the persistent sessions with
 * their subscriptions, queued and in-flight QoS 1/2 messages and inbound QoS 2 packet ids. The broker loads them once at start and afterwards only writes; it never reads the
 * store while running, its in-memory state answers clients.
 *
 * <h2>Threads</h2>
 * {@link #loadRetained} and {@link #loadSessions} are called once, by the thread that starts the broker, before
 * any listener is bound. Every other method is called on Netty event loops and must never block: an
 * implementation that does I/O queues the write for its own thread (as {@link SqliteMessageStore} does) and
 * returns at once. Writes are applied in the order they were called. {@link #close()} is called
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

    /**
     * What {@link #loadRetained(long, int, long)} read: the messages, and how many more the store holds that were
     * left unread because they would pass the bound.
     */
    record RetainedLoad(List<StoredMessage> messages, long left) {
    }

    /**
     * As {@link #loadRetained(long)}, reading oldest first and stopping before the message that would make more
     * than {@code maxMessages} or more than {@code maxBytes} bytes of topic and payload (0 = no bound): a store that
     * a flood filled cannot fill the heap of the broker that starts on it. The rest stay in the store.
     */
    default RetainedLoad loadRetained(long nowMillis, int maxMessages, long maxBytes) {
        List<StoredMessage> all = loadRetained(nowMillis);
        List<StoredMessage> kept = new java.util.ArrayList<>();
        long bytes = 0;
        for (StoredMessage m : all) {
            long size = m.topic().length() + (long) m.payload().length;
            if ((maxMessages > 0 && kept.size() >= maxMessages) || (maxBytes > 0 && bytes + size > maxBytes)) {
                break;
            }
            kept.add(m);
            bytes += size;
        }
        return new RetainedLoad(kept, all.size() - kept.size());
    }

    /**
     * Why this store cannot keep what it is given right now (e.g. every write of its last transaction failed: disk
     * full, file removed, read-only), or empty while it works; {@code /ready} reports it. Cheap: called per request.
     */
    default java.util.Optional<String> problem() {
        return java.util.Optional.empty();
    }

    /** Stores {@code message} as the retained message of its topic, replacing any other. Never blocks. */
    void putRetained(StoredMessage message);

    /** Clears the retained message of {@code topic}, if any. Never blocks. */
    void removeRetained(String topic);

    /**
     * Runs {@code callback} once every write called before this one is durable (committed), on the store's own
     * thread or, for a store without I/O, at once on the caller's. A store that cannot queue it (full or closed)
     * runs it at once: the caller (an acknowledgement waiting for the disk) must not wait forever. Never blocks.
     */
    default void afterCommit(Runnable callback) {
        callback.run();
    }

    /** Applies queued writes and releases the store. Idempotent. */
    @Override
    void close();

    /**
     * The persistent sessions that have not expired at {@code nowMillis}, with their subscriptions; expired ones
     * are left out and may be deleted.
     *
     * @throws StoreException if the store cannot be read
     */
    List<StoredSession> loadSessions(long nowMillis);

    /**
     * Creates or updates a session's owner, expiry interval and expiry time; its subscriptions are left as they
     * are ({@code session.subscriptions()} is ignored). Never blocks.
     */
    void putSession(StoredSession session);

    /** Forgets a session and its subscriptions (it ended, expired, or a Clean Start replaced it). Never blocks. */
    void removeSession(String clientId);

    /** Adds or replaces a subscription of a stored session. Never blocks. */
    void putSubscription(String clientId, StoredSubscription subscription);

    /** Removes a subscription of a stored session. Never blocks. */
    void removeSubscription(String clientId, String filter);

    /**
     * Adds or replaces a delivery of a stored session: a queued one by its key, one in flight by its packet id
     * (a queued message that is sent is removed as queued and put as in flight). Never blocks.
     */
    void putDelivery(String clientId, StoredDelivery delivery);

    /** Removes a queued ({@code inflight} false, by key) or in-flight (by packet id) delivery. Never blocks. */
    void removeDelivery(String clientId, boolean inflight, long key);

    /**
     * A queued message was sent: removes it as queued ({@code queuedKey}) and puts it as in flight, in one
     * transaction, so that a crash finds it in exactly one of the two places (neither lost nor sent twice as new).
     * Never blocks.
     */
    void moveDelivery(String clientId, long queuedKey, StoredDelivery inflight);

    /**
     * Adds ({@code awaiting} true) or removes an inbound QoS 2 packet id awaiting PUBREL; {@code fingerprint} is
     * that of the PUBLISH that took it ({@link StoredSession.InboundQos2}). With a non-zero {@code origin} the id is
     * added as not yet owned: until {@link #inboundQos2Owned} is committed, a restart forgets it and drops every
     * delivery stored with that origin ({@link StoredDelivery#origin()}), so a message is routed once or, after the
     * client's resend, again, never twice and never lost. Never blocks.
     */
    void inboundQos2(String clientId, int packetId, long fingerprint, long origin, boolean awaiting);

    /** The broker's ownership of an inbound QoS 2 id added with an origin is final (its routing is durable). Never blocks. */
    void inboundQos2Owned(String clientId, int packetId);

    /** Keeps {@code will} as the session's will waiting for its delay, replacing any. Never blocks. */
    void putWill(String clientId, StoredWill will);

    /** Forgets the session's waiting will (published, or cancelled by a reconnect). Never blocks. */
    void removeWill(String clientId);

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
