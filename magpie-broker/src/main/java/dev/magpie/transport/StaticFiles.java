package dev.magpie.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The files of a listener's static folder. A request path is resolved strictly inside the folder: it is
 * decoded once by the router, then any {@code ..} segment, backslash or NUL is refused outright (not
 * "normalised away"), and the resolved real path must still lie under the folder's real path, so neither
 * {@code /../etc/passwd} nor a symbolic link out of the folder serves anything. A folder path serves its
 * {@code index.html}.
 */
final class StaticFiles {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"), Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("png", "image/png"), Map.entry("svg", "image/svg+xml"), Map.entry("ico", "image/x-icon"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("wasm", "application/wasm"), Map.entry("map", "application/json"));
    private static final long MAX_FILE = 16L * 1024 * 1024;

    /** A file found: its bytes and type. */
    record Found(byte[] content, String contentType) {
    }

    private final Path root;

    StaticFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The file for a decoded request path, if it is inside the folder and readable. Blocking: call off the event loop. */
    Optional<Found> find(String decodedPath) {
        if (decodedPath.indexOf('\\') >= 0 || decodedPath.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        for (String segment : decodedPath.split("/")) {
            if (segment.equals("..")) {
                return Optional.empty();
            }
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
            if (!Files.isRegularFile(file) || !file.toRealPath().startsWith(root.toRealPath()) || Files.size(file) > MAX_FILE) {
                return Optional.empty();
            }
            return Optional.of(new Found(Files.readAllBytes(file), contentType(file.getFileName().toString())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static String contentType(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
