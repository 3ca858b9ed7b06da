package dev.magpie.store;

import java.util.List;

/**
 * The tables of {@link SqliteMessageStore}, as the migration steps that build them: its own version table
 * ({@code message_schema_version}), independent of the user database's. Apart from the store so that the store
 * reads as what it does with its tables; the SQL that reads and writes the session tables is {@link SessionTables}'.
 */
final class MessageSchema {
    /** Entry {@code i} takes the schema from version {@code i} to {@code i + 1}; append, never change. */
    static final SchemaMigrations MIGRATIONS = new SchemaMigrations("message_schema_version", List.of(
            List.of("""
                    CREATE TABLE retained (
                        topic      TEXT PRIMARY KEY NOT NULL,
                        qos        INTEGER NOT NULL,
                        payload    BLOB NOT NULL,
                        properties BLOB NOT NULL,
                        stored_at  INTEGER NOT NULL,
                        expires_at INTEGER
                    )"""),
            // 1 -> 2: persistent sessions and their subscriptions
            List.of("""
                    CREATE TABLE sessions (
                        client_id      TEXT PRIMARY KEY NOT NULL,
                        username       TEXT,
                        protocol_level INTEGER NOT NULL,
                        listener       TEXT NOT NULL,
                        expiry_seconds INTEGER NOT NULL,
                        expires_at     INTEGER
                    )""", """
                    CREATE TABLE subscriptions (
                        client_id           TEXT NOT NULL,
                        filter              TEXT NOT NULL,
                        qos                 INTEGER NOT NULL,
                        no_local            INTEGER NOT NULL,
                        retain_as_published INTEGER NOT NULL,
                        retain_handling     INTEGER NOT NULL,
                        identifier          INTEGER NOT NULL,
                        PRIMARY KEY (client_id, filter)
                    )"""),
            // 2 -> 3: queued and in-flight QoS 1/2 messages of persistent sessions, inbound QoS 2 ids
            List.of("""
                    CREATE TABLE session_messages (
                        client_id        TEXT NOT NULL,
                        inflight         INTEGER NOT NULL,
                        key              INTEGER NOT NULL,
                        state            INTEGER NOT NULL,
                        retain           INTEGER NOT NULL,
                        subscription_ids TEXT NOT NULL,
                        topic            TEXT NOT NULL,
                        qos              INTEGER NOT NULL,
                        payload          BLOB NOT NULL,
                        properties       BLOB NOT NULL,
                        stored_at        INTEGER NOT NULL,
                        expires_at       INTEGER,
                        PRIMARY KEY (client_id, inflight, key)
                    )""", """
                    CREATE TABLE inbound_qos2 (
                        client_id TEXT NOT NULL,
                        packet_id INTEGER NOT NULL,
                        PRIMARY KEY (client_id, packet_id)
                    )"""),
            // 3 -> 4: messages held for shared subscriptions, fingerprints of inbound QoS 2 ids, delayed wills
            // and ownership not yet durable: an unowned id's origin tags the copies a restart must drop
            List.of("ALTER TABLE session_messages ADD COLUMN shared_group TEXT",
                    "ALTER TABLE session_messages ADD COLUMN origin INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE inbound_qos2 ADD COLUMN fingerprint INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE inbound_qos2 ADD COLUMN origin INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE inbound_qos2 ADD COLUMN owned INTEGER NOT NULL DEFAULT 1", """
                    CREATE TABLE pending_wills (
                        client_id  TEXT PRIMARY KEY NOT NULL,
                        topic      TEXT NOT NULL,
                        qos        INTEGER NOT NULL,
                        retain     INTEGER NOT NULL,
                        payload    BLOB NOT NULL,
                        properties BLOB NOT NULL,
                        due_at     INTEGER NOT NULL
                    )""")), true);

    private MessageSchema() {
    }
}
