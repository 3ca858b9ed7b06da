package dev.magpie.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides when a set of watched files has changed <em>and settled</em>, so that a reload never reads a file
 * that is still being written. Used for everything the broker and server reload from disk: TLS key material,
 * ACL and password files.
 *
 * <p><b>The rule:</b> a change is handed out only when every file looks the same (size, modification time and
 * SHA-256 of the content) on two polls in a row, and its content differs from what was handed out (or loaded)
 * before. A writer that truncates a file and refills it, or writes a certificate and its key one after the
 * other, is therefore seen either not at all or only once it has stopped. Whether a change is <em>new</em> is
 * decided by content alone, so touching a file without changing it reloads nothing.
 *
 * <p>A settled change is handed out once, good or bad: the caller parses the {@link Snapshot}'s bytes (the very
 * bytes that were hashed, so what is checked is what is used) and, if they do not load, logs one line and
 * keeps what it had; the same bad content is not handed out again.
 *
 * <pre>{@code
 * SettledFiles files = SettledFiles.readNow(List.of(certFile, keyFile));
 * useInitially(files.initial());
 * // every few seconds:
 * files.poll().ifPresent(change -> tryToSwapIn(change.content(0), change.content(1)));
 * }</pre>
 *
 * <p>Not thread-safe: one poller calls {@link #poll()}.
 */
public final class SettledFiles {

    /** What one file looked like on one poll. {@code problem} is empty when it could be read. */
    public record FileState(Path path, long size, long modifiedMillis, String sha256, byte[] content, String problem) {
        public FileState {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(problem, "problem");
        }

        /** Whether the file could be read. */
        public boolean readable() {
            return problem.isEmpty();
        }

        /** Same size, time and content hash: the file did not move between two looks. */
        boolean sameAs(FileState other) {
            return size == other.size && modifiedMillis == other.modifiedMillis && sha256.equals(other.sha256)
                    && problem.equals(other.problem);
        }
    }

    /** The watched files as read on one poll, in the order they were given. */
    public record Snapshot(List<FileState> files) {
        public Snapshot {
            files = List.copyOf(files);
        }

        /** The bytes of file {@code index}; empty if it could not be read. */
        public byte[] content(int index) {
            return files.get(index).content().clone();
        }

        /** The first file that could not be read, with why ({@code "does not exist"}, ...). */
        public Optional<FileState> unreadable() {
            return files.stream().filter(f -> !f.readable()).findFirst();
        }

        boolean sameAs(Snapshot other) {
            for (int i = 0; i < files.size(); i++) {
                if (!files.get(i).sameAs(other.files.get(i))) {
                    return false;
                }
            }
            return true;
        }

        List<String> contentKeys() {
            return files.stream().map(f -> f.readable() ? f.sha256() : "unreadable: " + f.problem()).toList();
        }
    }

    private final List<Path> paths;
    private final Snapshot initial;
    private List<String> handedOut;
    private Snapshot pending;

    private SettledFiles(List<Path> paths, Snapshot initial, List<String> handedOut) {
        this.paths = List.copyOf(paths);
        this.initial = initial;
        this.handedOut = handedOut;
    }

    /** Watches {@code paths}, taking what they hold now as the content in force ({@link #initial()}). */
    public static SettledFiles readNow(List<Path> paths) {
        Snapshot now = snapshot(paths);
        return new SettledFiles(paths, now, now.contentKeys());
    }

    /**
     * Watches {@code paths} whose content in force is {@code loaded} (one array per path, read by the caller
     * before), so a file changed since then counts as a change.
     */
    public static SettledFiles startingFrom(List<Path> paths, List<byte[]> loaded) {
        if (loaded.size() != paths.size()) {
            throw new IllegalArgumentException("one content per path: " + paths.size() + " paths, " + loaded.size() + " contents");
        }
        List<String> keys = loaded.stream().map(SettledFiles::sha256).toList();
        return new SettledFiles(paths, snapshot(paths), keys);
    }

    /** What the files held when watching started. */
    public Snapshot initial() {
        return initial;
    }

    /**
     * Looks at the files once. Returns the new content if it differs from what was in force and has not
     * moved since the previous poll; empty if nothing changed or the change has not settled yet.
     */
    public Optional<Snapshot> poll() {
        Snapshot now = snapshot(paths);
        if (now.contentKeys().equals(handedOut)) {
            pending = null;
            return Optional.empty();
        }
        if (pending == null || !pending.sameAs(now)) {
            pending = now;
            return Optional.empty();
        }
        pending = null;
        handedOut = now.contentKeys();
        return Optional.of(now);
    }

    /** Whether a change has been seen that has not settled yet (for tests and diagnostics). */
    public boolean settling() {
        return pending != null;
    }

    static Snapshot snapshot(List<Path> paths) {
        List<FileState> states = new ArrayList<>(paths.size());
        for (Path path : paths) {
            states.add(read(path));
        }
        return new Snapshot(states);
    }

    private static FileState read(Path path) {
        try {
            long modified = Files.getLastModifiedTime(path).toMillis();
            byte[] content = Files.readAllBytes(path);
            return new FileState(path, content.length, modified, sha256(content), content, "");
        } catch (NoSuchFileException e) {
            return new FileState(path, -1, -1, "", new byte[0], "does not exist");
        } catch (IOException e) {
            return new FileState(path, -1, -1, "", new byte[0], "cannot be read: " + e.getMessage());
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
