package dev.magpie;

import dev.magpie.security.AddressRange;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP side of a {@code ws} or {@code wss} listener: which paths upgrade to MQTT over WebSocket, how big
 * frames and messages may be, an optional folder of static files, and which reverse proxies are believed
 * when they say who the client is ({@code X-Forwarded-For}).
 *
 * <pre>{@code
 * Listener wss = Listener.wss("0.0.0.0", 443, tls)
 *         .withWebSocket(WebSocketSettings.defaults()
 *                 .withPaths("/mqtt", "/")              // MQTT.js "wxs://host" connects to "/"
 *                 .withStaticFiles(Path.of("public"))   // GET /index.html and friends
 *                 .withTrustedProxies("10.0.0.0/8"));
 * }</pre>
 *
 * <p>Paths match exactly ({@code /mqtt} does not match {@code /mqtt/x}); {@code "*"} matches any path. A
 * request that is not a WebSocket upgrade is served from the static folder or by a route registered with
 * {@code Broker.Builder.httpRoute}, else answered 404.
 */
public final class WebSocketSettings {
    /** Any path upgrades. */
    public static final String ANY_PATH = "*";

    private static final WebSocketSettings DEFAULTS = new WebSocketSettings(List.of("/mqtt"), 64 * 1024, 0, null, List.of());

    private final List<String> paths;
    private final int maxFrameSize;
    private final int maxMessageSize;
    private final Path staticFiles;
    private final List<String> trustedProxies;

    private WebSocketSettings(List<String> paths, int maxFrameSize, int maxMessageSize, Path staticFiles, List<String> trustedProxies) {
        this.paths = List.copyOf(paths);
        this.maxFrameSize = maxFrameSize;
        this.maxMessageSize = maxMessageSize;
        this.staticFiles = staticFiles;
        this.trustedProxies = List.copyOf(trustedProxies);
        if (this.paths.isEmpty()) {
            throw new IllegalArgumentException("a WebSocket listener needs at least one path, e.g. /mqtt");
        }
        for (String p : this.paths) {
            if (!p.equals(ANY_PATH) && !p.startsWith("/")) {
                throw new IllegalArgumentException("WebSocket path must start with '/' or be '*', was '" + p + "'");
            }
        }
        if (maxFrameSize < 125) {
            throw new IllegalArgumentException("maxFrameSize must be >= 125, was " + maxFrameSize);
        }
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("maxMessageSize must be >= 0 (0 = the broker's maximum packet size), was " + maxMessageSize);
        }
        for (String proxy : this.trustedProxies) {
            AddressRange.parse(proxy);
        }
    }

    /** Path {@code /mqtt}, 64 KiB frames, messages up to the broker's maximum packet size, no static files, no proxies. */
    public static WebSocketSettings defaults() {
        return DEFAULTS;
    }

    /** The paths that upgrade ({@code "/"} for {@code wxs://host}, {@code "*"} for any). */
    public WebSocketSettings withPaths(String... newPaths) {
        return new WebSocketSettings(List.of(newPaths), maxFrameSize, maxMessageSize, staticFiles, trustedProxies);
    }

    /** Largest single WebSocket frame; a larger one closes the connection with 1009 (message too big). */
    public WebSocketSettings withMaxFrameSize(int bytes) {
        return new WebSocketSettings(paths, bytes, maxMessageSize, staticFiles, trustedProxies);
    }

    /** Largest message (a frame and its continuations); 0 means the broker's maximum packet size. */
    public WebSocketSettings withMaxMessageSize(int bytes) {
        return new WebSocketSettings(paths, maxFrameSize, bytes, staticFiles, trustedProxies);
    }

    /** Serves GET requests for files under {@code folder} (never outside it). */
    public WebSocketSettings withStaticFiles(Path folder) {
        return new WebSocketSettings(paths, maxFrameSize, maxMessageSize, Objects.requireNonNull(folder, "folder"), trustedProxies);
    }

    /** Addresses or CIDR blocks ({@code "127.0.0.1"}, {@code "10.0.0.0/8"}) whose X-Forwarded-For is believed. */
    public WebSocketSettings withTrustedProxies(String... proxies) {
        return new WebSocketSettings(paths, maxFrameSize, maxMessageSize, staticFiles, List.of(proxies));
    }

    public List<String> paths() {
        return paths;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** The configured message bound; 0 stands for the broker's maximum packet size. */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** The message bound in force given the broker's maximum packet size. */
    public int maxMessageSize(int brokerMaxPacketSize) {
        return maxMessageSize == 0 ? brokerMaxPacketSize : maxMessageSize;
    }

    public Optional<Path> staticFiles() {
        return Optional.ofNullable(staticFiles);
    }

    public List<String> trustedProxies() {
        return trustedProxies;
    }

    /** Whether a request for {@code path} (without query) upgrades. */
    public boolean upgrades(String path) {
        return paths.contains(ANY_PATH) || paths.contains(path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebSocketSettings w && paths.equals(w.paths) && maxFrameSize == w.maxFrameSize
                && maxMessageSize == w.maxMessageSize && Objects.equals(staticFiles, w.staticFiles) && trustedProxies.equals(w.trustedProxies);
    }

    @Override
    public int hashCode() {
        return Objects.hash(paths, maxFrameSize, maxMessageSize, staticFiles, trustedProxies);
    }

    @Override
    public String toString() {
        return "WebSocketSettings[paths=" + paths + ", maxFrameSize=" + maxFrameSize + ", maxMessageSize="
                + (maxMessageSize == 0 ? "maxPacketSize" : maxMessageSize) + (staticFiles != null ? ", staticFiles=" + staticFiles : "")
                + (trustedProxies.isEmpty() ? "" : ", trustedProxies=" + trustedProxies) + "]";
    }
}
