package dev.magpie.security.jdbc;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link JdbcAuthenticator} over a real SQLite file. */
class SqliteJdbcAuthenticatorTest extends JdbcAuthenticatorContract {
    @TempDir
    Path dir;

    @Override
    String url() {
        return "jdbc:sqlite:" + dir.resolve("users.db");
    }

    @Override
    String table() {
        return "mqtt_users";
    }
}
