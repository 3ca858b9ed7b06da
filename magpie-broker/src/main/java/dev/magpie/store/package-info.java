/**
 * Storage: what the broker keeps on disk in one SQLite file, {@code <data-dir>/magpie.db} (WAL mode).
 *
 * <ul>
 *   <li>The user database: {@link dev.magpie.store.UserStore} owns its tables (schema, migrations, name rules,
 *   hashing with {@link dev.magpie.security.password.PasswordHasher}); {@link dev.magpie.store.UserStoreAuthenticator}
 *   plugs it into the authentication chain, {@link dev.magpie.store.UserStoreScramAuthenticator} offers its users
 *   SCRAM-SHA-256 enhanced authentication. Plain passwords enter as {@code char[]} or {@code byte[]}, are
 *   hashed at once and are never stored or logged.</li>
 *   <li>The message store SPI, {@link dev.magpie.store.MessageStore} (retained messages as
 *   {@link dev.magpie.store.StoredMessage}s, persistent sessions as {@link dev.magpie.store.StoredSession}s with
 *   their subscriptions, queued and in-flight messages, inbound QoS 2 ids and delayed wills), with a memory and an
 *   SQLite implementation; the SQLite one writes through one batching writer thread (group commit, bounded
 *   queue, statements prepared once) so an event loop never waits for the disk, and holds the data directory's
 *   lock ({@code magpie.lock}: one broker per directory); its tables are {@code MessageSchema}'s.
 *   {@link dev.magpie.store.SqliteFile} says how the two share the file, {@code SchemaMigrations} how each brings
 *   its own versioned tables up to date.</li>
 * </ul>
 *
 * <p>Called by the standalone server ({@code magpie user ...} and {@code magpie serve}), by embedding
 * applications, the routing layer (retained messages), the protocol layer (sessions) and sessions (their
 * messages). It depends on {@code spi}, {@code security.password}
 * and {@code security.scram} only: messages are stored as topic, payload and encoded properties, never as the
 * codec's or the session's types.
 */
package dev.magpie.store;
