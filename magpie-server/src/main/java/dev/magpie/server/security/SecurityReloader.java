package dev.magpie.server.security;

import dev.magpie.server.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p><b>Failures keep the old rules:</b> a file that is malformed (or has gone) is logged once, as one line
 * with {@code file:line}, and the rules loaded before stay in force until a good version appears.
 *
 * <p>One daemon thread, {@code magpie-security-reload}; {@link #close()} stops it.
 */
public final class SecurityReloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityReloader.class);

    private final List<Watched<?>> watched = new ArrayList<>();
    private ScheduledExecutorService executor;

    /**
     * Watches {@code file} (config key {@code key}), whose content {@code loaded} was turned into the rules in
     * force now. On a change, {@code parse} builds new rules from the new bytes (throwing
     * {@link ConfigException} if it cannot) and {@code apply} swaps them in.
     */
    public <T> void watch(String key, Path file, byte[] loaded, Function<byte[], T> parse, Consumer<T> apply) {
        watched.add(new Watched<>(key, file, loaded, parse, apply));
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

    /** Checks every watched file once; what the polling thread runs (tests call it directly too). */
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

    private static final class Watched<T> {
        final String key;
        final Path file;
        final Function<byte[], T> parse;
        final Consumer<T> apply;
        /** The bytes last looked at, good or bad, so a bad version is reported once, not every poll. */
        byte[] lastSeen;
        boolean missingReported;

        Watched(String key, Path file, byte[] loaded, Function<byte[], T> parse, Consumer<T> apply) {
            this.key = key;
            this.file = file;
            this.lastSeen = loaded;
            this.parse = parse;
            this.apply = apply;
        }

        void poll() {
            byte[] now;
            try {
                now = SecurityFiles.read(key, file);
            } catch (ConfigException e) {
                if (!missingReported) {
                    missingReported = true;
                    LOG.warn("{}; keeping the rules loaded before", e.getMessage());
                }
                return;
            }
            missingReported = false;
            if (Arrays.equals(now, lastSeen)) {
                return;
            }
            lastSeen = now;
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
