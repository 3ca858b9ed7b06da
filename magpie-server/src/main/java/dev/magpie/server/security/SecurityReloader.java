package dev.magpie.server.security;

import dev.magpie.security.SettledFiles;
import dev.magpie.server.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Polls security files and applies a changed file by building new rules from it and swapping them in.
 *
 * <p><b>Why polling, and why by content:</b> a poll every few seconds is simple, works on every file system
 * (a watch service misses changes on network mounts and through symlinked config maps) and costs one small
 * read. A file counts as changed when its bytes differ from those last seen, not by its time stamp, so an
 * edit within the same clock tick is not missed and a touch without change does not reload.
 *
 * <p><b>Only settled files:</b> a change is read only once the file looks the same on two polls in a row
 * ({@link SettledFiles}), so a file being written (truncated, then refilled) is not loaded half-way. An
 * <em>empty</em> file is refused as well: it is what a truncating editor or {@code >} leaves mid-write, and
 * loading it would drop every rule or user at once. To really remove them all, leave a comment line. Editors
 * and tools should still write a temporary file and rename it over the old one (atomic on one file system).
 *
 * <p><b>Failures keep the old rules:</b> a file that is malformed, empty or gone is logged once, as one line
 * with {@code file:line} where there is one, and the rules loaded before stay in force until a good version
 * appears.
 *
 * <p>One daemon thread, {@code magpie-security-reload}; {@link #close()} stops it.
 */
public final class SecurityReloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityReloader.class);

    private final List<Watched<?>> watched = new ArrayList<>();
    private ScheduledExecutorService executor;

    /**
     * Watches {@code file} (config key {@code key}), whose content {@code loaded} was turned into the rules in
     * force now. On a settled change, {@code parse} builds new rules from the new bytes (throwing
     * {@link ConfigException} if it cannot) and {@code apply} swaps them in.
     */
    public <T> void watch(String key, Path file, byte[] loaded, Function<byte[], T> parse, Consumer<T> apply) {
        watched.add(new Watched<>(key, file, SettledFiles.startingFrom(List.of(file), List.of(loaded)), parse, apply));
    }

    /** Starts polling every {@code interval}; does nothing if nothing is watched or the interval is zero. */
    public synchronized void start(Duration interval) {
        if (watched.isEmpty() || interval.isZero() || executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "magpie-security-reload");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::pollOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Checks every watched file once; what the polling thread runs (tests call it directly too). A change is
     * applied on the second poll that sees it unchanged.
     */
    public void pollOnce() {
        for (Watched<?> w : watched) {
            try {
                w.poll();
            } catch (RuntimeException e) {
                LOG.warn("reloading {} {} failed: {}; keeping the rules loaded before", w.key, w.file, e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    private record Watched<T>(String key, Path file, SettledFiles files, Function<byte[], T> parse, Consumer<T> apply) {

        void poll() {
            Optional<SettledFiles.Snapshot> change = files.poll();
            if (change.isEmpty()) {
                return;
            }
            Optional<SettledFiles.FileState> unreadable = change.get().unreadable();
            if (unreadable.isPresent()) {
                LOG.warn("{} {} {}; keeping the rules loaded before", key, file, unreadable.get().problem());
                return;
            }
            byte[] now = change.get().content(0);
            if (new String(now, StandardCharsets.UTF_8).isBlank()) {
                LOG.warn("not reloaded: {} {} is empty, most likely caught while being written (replace it by renaming a"
                        + " complete file over it; to remove every entry, leave a comment line); keeping the rules loaded before",
                        key, file);
                return;
            }
            T rules;
            try {
                rules = parse.apply(now);
            } catch (ConfigException e) {
                LOG.warn("not reloaded: {}; keeping the rules loaded before", e.getMessage());
                return;
            }
            apply.accept(rules);
            LOG.info("reloaded {} {}", key, file);
        }
    }
}
