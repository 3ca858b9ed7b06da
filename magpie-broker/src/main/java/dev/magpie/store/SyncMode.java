package dev.magpie.store;

/**
 * When a committed write reaches the disk (SQLite's {@code synchronous} setting in WAL mode).
 */
public enum SyncMode {
    /**
     * Commits are written to the operating system at once and synced to the disk at checkpoints. A killed
     * broker process (kill -9) loses no committed write; a power cut or kernel crash may lose the last ones.
     * The file is never corrupted either way.
     */
    NORMAL,
    /** Every commit is synced to the disk before it counts: survives power loss, costs an fsync per batch. */
    FULL
}
