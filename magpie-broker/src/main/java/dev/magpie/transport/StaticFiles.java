package dev.magpie.transport;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The files of a listener's static folder. A request path is resolved strictly inside the folder: it is
 * decoded once by the router, then any {@code ..} segment, backslash or NUL is refused outright (not
 * "normalised away"), and the resolved real path must still lie under the folder's real path, so neither
 * {@code /../etc/passwd} nor a symbolic link out of the folder serves anything. A folder path serves its
 * {@code index.html}.
 *
 * <p>Hidden names, a segment starting with {@code .} ({@code /.env}, {@code /.git/config},
 * {@code /app/.htpasswd}), are refused unless the listener allows them: they are secrets and repository
 * data deployed by mistake far more often than content. The check is made on the request path and again on
 * the real path, so a link named {@code config.txt} pointing to {@code .env} is refused too.
 *
 * <p>A file found is opened, not read: {@link StaticFileResponder} streams it, so an answer never holds more
 * than a chunk or two of it in memory whatever its size.
 */
final class StaticFiles {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"), Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("png", "image/png"), Map.entry("svg", "image/svg+xml"), Map.entry("ico", "image/x-icon"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("wasm", "application/wasm"), Map.entry("map", "application/json"));

    /** A file found and opened: the caller owns (and closes) the channel; {@code length} is fixed at opening. */
    record Found(FileChannel file, long length, String contentType) {
    }

    private final Path root;
    private final boolean serveHidden;

    StaticFiles(Path root, boolean serveHidden) {
        this.root = root.toAbsolutePath().normalize();
        this.serveHidden = serveHidden;
    }

    /** The file for a decoded request path, if it is inside the folder and readable. Blocking: call off the event loop. */
    Optional<Found> find(String decodedPath) {
        if (decodedPath.indexOf('\\') >= 0 || decodedPath.indexOf('\0') >= 0 || !allowed(decodedPath.split("/"))) {
            return Optional.empty();
        }
        String relative = decodedPath.startsWith("/") ? decodedPath.substring(1) : decodedPath;
        try {
            Path file = root.resolve(relative).normalize();
            if (!file.startsWith(root)) {
                return Optional.empty();
            }
            if (Files.isDirectory(file)) {
                file = file.resolve("index.html");
            }
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            Path realRoot = root.toRealPath();
            Path real = file.toRealPath();
            if (!real.startsWith(realRoot) || !allowed(realRoot.relativize(real))) {
                return Optional.empty();
            }
            FileChannel channel = FileChannel.open(real, StandardOpenOption.READ);
            return Optional.of(new Found(channel, channel.size(), contentType(file.getFileName().toString())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private boolean allowed(String[] segments) {
        for (String segment : segments) {
            if (segment.equals("..") || !serveHidden && segment.startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private boolean allowed(Path relative) {
        for (Path name : relative) {
            if (!serveHidden && name.toString().startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    static String contentType(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
