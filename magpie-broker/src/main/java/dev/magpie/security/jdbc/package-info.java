/**
 * An {@link dev.magpie.spi.Authenticator} over a user table in an SQL database (PostgreSQL, MySQL/MariaDB,
 * SQLite, anything with a JDBC driver): {@link dev.magpie.security.jdbc.JdbcAuthenticator} runs a configured
 * query on a bounded connection pool (HikariCP) and executor of its own, never on a network event loop, and
 * checks the stored hash with one of the {@link dev.magpie.security.jdbc.HashScheme}s. Depends on {@code spi}
 * and {@code security.password}; HikariCP (and BouncyCastle for bcrypt) must be on the class path to use it.
 */
package dev.magpie.security.jdbc;
