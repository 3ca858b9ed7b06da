package dev.magpie.server.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's files, read once from the classpath into memory: the names listed in {@code files.txt} next to
 * them and nothing else. Serving from this fixed map (rather than resolving request paths against a folder or a
 * class loader) is what makes directory traversal impossible: {@code ../}, {@code %2e%2e/}, {@code //} or a
 * backslash simply name no entry and are answered 404.
 *
 * <pre>{@code
 * DashboardFiles files = DashboardFiles.load();
 * files.find("js/app.js").map(DashboardFiles.File::contentType); // Optional["text/javascript; charset=utf-8"]
 * }</pre>
 */
public final class DashboardFiles {
    /** Where the files are, relative to the class path root. */
    static final String RESOURCE_DIR = "dev/magpie/server/dashboard/";
    /** The list of files, one relative name a line; {@code #} starts a comment. */
    static final String INDEX = "files.txt";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json");

    /**
     * One file.
     *
     * @param name        its name relative to {@code /dashboard/}, e.g. {@code js/app.js}
     * @param contentType what it is served as
     * @param bytes       its content
     * @param etag        a strong validator (quoted hash of the content)
     */
    public record File(String name, String contentType, byte[] bytes, String etag) {
        public File {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    private final Map<String, File> files;

    private DashboardFiles(Map<String, File> files) {
        this.files = Map.copyOf(files);
    }

    /**
     * Reads every file of {@code files.txt} from this class's class loader.
     *
     * @throws IllegalStateException if the list or a listed file is missing, or a name has no known type
     */
    public static DashboardFiles load() {
        ClassLoader loader = DashboardFiles.class.getClassLoader();
        String index = new String(read(loader, INDEX), StandardCharsets.UTF_8);
        Map<String, File> files = new LinkedHashMap<>();
        for (String line : index.split("\n")) {
            String name = line.replaceFirst("#.*", "").strip();
            if (name.isEmpty()) {
                continue;
            }
            if (name.startsWith("/") || name.contains("..") || name.contains("\\")) {
                throw new IllegalStateException(INDEX + " names '" + name + "': names are relative and stay inside the folder");
            }
            byte[] bytes = read(loader, name);
            files.put(name, new File(name, contentType(name), bytes, etag(bytes)));
        }
        return new DashboardFiles(files);
    }

    /** The file of that relative name, if it is one of the dashboard's. */
    public Optional<File> find(String name) {
        return Optional.ofNullable(files.get(name));
    }

    /** The names of all files, in the order of {@code files.txt}. */
    public java.util.Set<String> names() {
        return new java.util.LinkedHashSet<>(files.keySet());
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            throw new IllegalStateException("no content type for dashboard file '" + name + "': add its extension to DashboardFiles");
        }
        return type;
    }

    private static byte[] read(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource " + RESOURCE_DIR + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard resource " + RESOURCE_DIR + name, e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
