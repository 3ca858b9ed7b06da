package dev.magpie.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;

/**
 * How a set of tables in {@code magpie.db} is brought up to the version this code reads: a version table of its
 * own, and steps where entry {@code i} takes the schema from version {@code i} to {@code i + 1}, each in one
 * transaction (a second process migrating at once waits, then sees the work done); a file written by a newer Magpie
 * is refused, never guessed at. The message store and the user database each have one, so either can evolve without
 * the other; this is the one home of the rule they both follow. Append new steps, never change old ones: a file on
 * disk may be at any earlier version.
 */
final class SchemaMigrations {
    private final String versionTable;
    private final List<List<String>> steps;
    private final boolean writeWhenCurrent;

    /**
     * {@code writeWhenCurrent}: when the schema is already current, write to the version table anyway, so that a
     * read-only file fails at open rather than at the first write (the message store, which writes all the time; the
     * user database is only read by a running broker).
     */
    SchemaMigrations(String versionTable, List<List<String>> steps, boolean writeWhenCurrent) {
        this.versionTable = versionTable;
        this.steps = steps;
        this.writeWhenCurrent = writeWhenCurrent;
    }

    /** The schema version this code reads and writes: the number of steps. */
    int version() {
        return steps.size();
    }

    /**
     * Brings {@code connection}'s tables to {@link #version()}. {@code newer} makes the exception for a file whose
     * schema is newer, from the message that says so; {@code what} names the file in it ("the user database ...").
     */
    void apply(Connection connection, String what, Function<String, RuntimeException> newer) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + versionTable + " (version INTEGER NOT NULL)");
        }
        while (true) {
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                int version = currentVersion(s);
                if (version > version()) {
                    throw newer.apply(what + " has schema version " + version + ", written by a newer Magpie; this one reads up to "
                            + version() + ". Use the newer version, or restore a backup of the file");
                }
                if (version == version()) {
                    if (writeWhenCurrent) {
                        s.executeUpdate("UPDATE " + versionTable + " SET version = version");
                    }
                    connection.commit();
                    return;
                }
                for (String sql : steps.get(version)) {
                    s.execute(sql);
                }
                s.executeUpdate(version == 0 ? "INSERT INTO " + versionTable + " (version) VALUES (1)"
                        : "UPDATE " + versionTable + " SET version = " + (version + 1));
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private int currentVersion(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT max(version) FROM " + versionTable)) {
            rs.next();
            return rs.getInt(1); // NULL (an empty table) reads as 0
        }
    }
}
