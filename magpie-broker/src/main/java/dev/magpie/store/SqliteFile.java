package dev.magpie.store;

import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * How Magpie opens its one SQLite file, {@code <data-dir>/magpie.db}, shared by the {@link UserStore} and the
 * {@link SqliteMessageStore}, each on its own connection.
 *
 * <p><b>Locking:</b> SQLite lets one connection write at a time. In WAL mode readers never wait for the writer,
 * and every write transaction starts {@code IMMEDIATE}, taking the write lock at {@code BEGIN}, so two
 * writers (the broker's store writer, {@code magpie user add}, the user store's migration) queue on the busy
 * timeout instead of failing half-way. The broker's message writes come from one thread in batches, so the
 * lock is held briefly and rarely contended.
 */
final class SqliteFile {
    /** How long a writer waits for another one to commit before giving up. */
    static final int BUSY_TIMEOUT_MILLIS = 5_000;

    private SqliteFile() {
    }

    /** Settings every connection to the file shares: busy timeout and {@code BEGIN IMMEDIATE}. */
    static SQLiteConfig baseConfig() {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return config;
    }

    /** {@link #baseConfig()} plus WAL and the given durability, for the file on disk. */
    static SQLiteConfig fileConfig(SyncMode sync) {
        SQLiteConfig config = baseConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(sync == SyncMode.FULL ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        return config;
    }

    /** Binds an epoch-millisecond time, or SQL NULL for a negative one ("never"). */
    static void setMillisOrNull(PreparedStatement statement, int index, long millis) throws SQLException {
        if (millis < 0) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, millis);
        }
    }

    /** Reads what {@link #setMillisOrNull} wrote: the time, or -1 for NULL. */
    static long millisOrNone(ResultSet row, int column) throws SQLException {
        long millis = row.getLong(column);
        return row.wasNull() ? -1 : millis;
    }

    /** Creates the data directory and, if absent, the file, readable by its owner only where POSIX permissions exist. */
    static void createPrivately(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (Files.exists(file)) {
            return;
        }
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (FileAlreadyExistsException raced) {
            // another process created it first: fine
        }
    }

    /** What to do about a failure to open or read the file, for the message that stops the start ("" if nothing to add). */
    static String hint(Exception e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("NOTADB") || m.contains("not a database") || m.contains("CORRUPT") || m.contains("malformed")) {
            return ". The file is not a Magpie database or is damaged: restore a backup, or move it away to start empty";
        }
        if (m.contains("READONLY") || m.contains("readonly") || m.contains("CANTOPEN")) {
            return ". The broker needs to write the file, its -wal and -shm files and the directory holding them";
        }
        return "";
    }
}
