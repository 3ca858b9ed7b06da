package dev.magpie;

import dev.magpie.store.MessageStore;
import dev.magpie.store.SqliteMessageStore;
import dev.magpie.store.SyncMode;

import java.nio.file.Path;

/**
 * Which store a broker uses, as the builder was told: an instance the application owns, a data directory the
 * broker opens (and closes) itself, or neither (nothing kept).
 *
 * @param given         a store the application opened and will close, or null
 * @param dataDirectory where the broker opens {@code magpie.db}, or null
 * @param sync          durability of the file store
 * @param durableAcks   whether a publisher's PUBACK/PUBREC waits until the store committed what its message caused
 */
record StoreChoice(MessageStore given, Path dataDirectory, SyncMode sync, boolean durableAcks) {
    static final StoreChoice NONE = new StoreChoice(null, null, SyncMode.NORMAL, true);

    StoreChoice withDurableAcks(boolean durable) {
        return new StoreChoice(given, dataDirectory, sync, durable);
    }

    /** Whether the broker opened the store and so closes it at stop. */
    boolean owned() {
        return given == null;
    }

    MessageStore open() {
        if (given != null) {
            return given;
        }
        if (dataDirectory != null) {
            return SqliteMessageStore.open(dataDirectory, sync, SqliteMessageStore.DEFAULT_QUEUE_CAPACITY);
        }
        return MessageStore.none();
    }
}
