/**
 * The built-in user database: user names and password hashes in one SQLite file, {@code <data-dir>/magpie.db}.
 * {@link dev.magpie.store.UserStore} owns the file (schema, migrations, name rules, hashing with
 * {@link dev.magpie.security.password.PasswordHasher}); {@link dev.magpie.store.UserStoreAuthenticator} plugs it
 * into the broker's authentication chain.
 *
 * <p>Called by the standalone server ({@code magpie user ...} and {@code magpie serve}) and by embedding
 * applications. It depends on {@code spi} and {@code security.password} only; the broker's core never calls it.
 * Plain passwords enter as {@code char[]} or {@code byte[]}, are hashed at once and are never stored or logged.
 */
package dev.magpie.store;
