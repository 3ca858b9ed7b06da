/**
 * The built-in user database: user names and password hashes in one SQLite file, {@code <data-dir>/magpie.db}.
 * {@link dev.magpie.store.UserStore} owns the file (schema, migrations, name rules, hashing with
 * {@link dev.magpie.security.password.PasswordHasher}); {@link dev.magpie.store.UserStoreAuthenticator} plugs it
 * into the broker's authentication chain, {@link dev.magpie.store.UserStoreScramAuthenticator} offers its users
 * SCRAM-SHA-256 enhanced authentication.
 *
 * <p>Called by the standalone server ({@code magpie user ...} and {@code magpie serve}) and by embedding
 * applications. It depends on {@code spi}, {@code security.password} and {@code security.scram} only; the broker's core never calls it.
 * Plain passwords enter as {@code char[]} or {@code byte[]}, are hashed at once and are never stored or logged.
 */
package dev.magpie.store;
