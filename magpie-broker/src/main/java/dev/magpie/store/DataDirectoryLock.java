package dev.magpie.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The claim of one broker on a data directory: an exclusive OS lock on {@code <data-dir>/magpie.lock}, held
 * while the message store is open. SQLite alone would let a second broker open the same {@code magpie.db} and
 * both would write sessions over each other's; with the lock the second one stops at start with a message
 * naming the file and the process holding it. The operating system drops the lock when the process dies,
 * kill -9 included, so a crash never leaves a stale lock behind (unlike a pid file). {@code magpie user}
 * does not take it: it may change users while the broker runs.
 */
final class DataDirectoryLock implements AutoCloseable {
    static final String FILE_NAME = "magpie.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dataDir}.
     *
     * @throws StoreException if another broker (process or, in this JVM, an open store) holds it, or the file
     *                        cannot be written
     */
    static DataDirectoryLock take(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath().normalize();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException inThisJvm) {
                lock = null;
            }
            if (lock == null) {
                String holder = readHolder(file);
                channel.close();
                throw new StoreException("the data directory " + dataDir.toAbsolutePath().normalize() + " is in use by another "
                        + "running broker" + (holder.isEmpty() ? "" : " (" + holder + ")") + ": " + file + " is locked. Stop that "
                        + "broker first, or give this one another data directory (--data-dir)");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataDirectoryLock(channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the failure to report is the first one
                }
            }
            throw new StoreException("cannot lock the data directory: " + file + ": " + e
                    + ". Check that the data directory exists and is writable by the broker's user", e);
        }
    }

    private static String readHolder(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel, or with the process
        }
    }
}
