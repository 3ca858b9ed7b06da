package dev.magpie.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one migration rule both SQLite stores follow: steps applied in order from the file's version, each in its own
 * transaction, and a file written by a newer Magpie refused rather than guessed at.
 */
class SchemaMigrationsTest {
    private static final List<String> FIRST = List.of("CREATE TABLE a (x INTEGER)");
    private static final List<String> SECOND = List.of("ALTER TABLE a ADD COLUMN y INTEGER", "CREATE TABLE b (z INTEGER)");

    private final Connection connection = open();

    private static Connection open() {
        try {
            return DriverManager.getConnection("jdbc:sqlite::memory:");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void aNewFileGetsEveryStepAndTheLatestVersion() throws SQLException {
        SchemaMigrations migrations = new SchemaMigrations("test_version", List.of(FIRST, SECOND), false);
        migrations.apply(connection, "the test file", IllegalStateException::new);
        assertThat(version()).isEqualTo(2).isEqualTo(migrations.version());
        try (Statement s = connection.createStatement()) {
            s.execute("INSERT INTO a (x, y) VALUES (1, 2)");
            s.execute("INSERT INTO b (z) VALUES (3)");
        }
    }

    @Test
    void anOlderFileGetsOnlyTheStepsItLacks() throws SQLException {
        new SchemaMigrations("test_version", List.of(FIRST), false).apply(connection, "the test file", IllegalStateException::new);
        try (Statement s = connection.createStatement()) {
            s.execute("INSERT INTO a (x) VALUES (1)"); // kept: step 1 is not run again
        }
        new SchemaMigrations("test_version", List.of(FIRST, SECOND), true).apply(connection, "the test file", IllegalStateException::new);
        assertThat(version()).isEqualTo(2);
        assertThat(count("a")).isEqualTo(1);
    }

    @Test
    void aNewerFileIsRefusedWithTheStoresOwnException() throws SQLException {
        new SchemaMigrations("test_version", List.of(FIRST, SECOND), false).apply(connection, "the test file", IllegalStateException::new);
        assertThatThrownBy(() -> new SchemaMigrations("test_version", List.of(FIRST), false)
                .apply(connection, "the test file", StoreException::new))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("the test file has schema version 2")
                .hasMessageContaining("newer Magpie");
        assertThat(version()).isEqualTo(2);
    }

    @Test
    void aFailingStepLeavesTheFileAtTheVersionBeforeIt() throws SQLException {
        List<String> broken = List.of("CREATE TABLE c (v INTEGER)", "THIS IS NOT SQL");
        SchemaMigrations migrations = new SchemaMigrations("test_version", List.of(FIRST, broken), false);
        assertThatThrownBy(() -> migrations.apply(connection, "the test file", IllegalStateException::new))
                .isInstanceOf(SQLException.class);
        assertThat(version()).isEqualTo(1);
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'c'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero(); // the step's first statement was rolled back with it
        }
    }

    private int version() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM test_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private int count(String table) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
