package dev.magpie;

import dev.magpie.security.AddressRange;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The HTTP side of a {@code ws} or {@code wss} listener: which paths upgrade to MQTT over WebSocket, how big
 * frames and messages may be, which browser origins may open them, an optional folder of static files, how
 * its HTTP answers are bounded, and which reverse proxies are believed when they say who the client is
 * ({@code X-Forwarded-For}).
 *
 * <pre>{@code
 * Listener wss = Listener.wss("0.0.0.0", 443, tls)
 *         .withWebSocket(WebSocketSettings.defaults()
 *                 .withPaths("/mqtt", "/")              // MQTT.js "wxs://host" connects to "/"
 *                 .withAllowedOrigins("https://app.example.com")
 *                 .withStaticFiles(Path.of("public"))   // GET /index.html and friends
 *                 .withTrustedProxies("10.0.0.0/8"));
 * }</pre>
 *
 * <p>Paths match exactly ({@code /mqtt} does not match {@code /mqtt/x}); {@code "*"} matches any path. A
 * request that is not a WebSocket upgrade is served from the static folder or by a route registered with
 * {@code Broker.Builder.httpRoute}, else answered 404.
 *
 * <p>The HTTP answers are bounded so that clients that never read cannot pin the broker's memory: files are
 * streamed a chunk at a time, an answer whose bytes stop leaving for {@link #writeStallTimeout()} closes its
 * connection, and at most {@link #maxConcurrentResponses()} answers per listener (and
 * {@link #maxResponsesPerAddress()} per client address) are under way at once; beyond that a request gets
 * {@code 503} with {@code Retry-After}.
 */
public final class WebSocketSettings {
    /** Any path upgrades. */
    public static final String ANY_PATH = "*";

    private static final WebSocketSettings DEFAULTS = new WebSocketSettings(new Draft());

    private final List<String> paths;
    private final int maxFrameSize;
    private final int maxMessageSize;
    private final Path staticFiles;
    private final boolean serveHiddenFiles;
    private final List<String> trustedProxies;
    private final List<String> allowedOrigins;
    private final Duration writeStallTimeout;
    private final int maxConcurrentResponses;
    private final int maxResponsesPerAddress;

    /** The values of a settings object under construction; the constructor checks them. */
    private static final class Draft {
        List<String> paths = List.of("/mqtt");
        int maxFrameSize = 64 * 1024;
        int maxMessageSize;
        Path staticFiles;
        boolean serveHiddenFiles;
        List<String> trustedProxies = List.of();
        List<String> allowedOrigins = List.of();
        Duration writeStallTimeout = Duration.ofSeconds(30);
        int maxConcurrentResponses = 64;
        int maxResponsesPerAddress = 8;

        Draft() {
        }

        Draft(WebSocketSettings s) {
            paths = s.paths;
            maxFrameSize = s.maxFrameSize;
            maxMessageSize = s.maxMessageSize;
            staticFiles = s.staticFiles;
            serveHiddenFiles = s.serveHiddenFiles;
            trustedProxies = s.trustedProxies;
            allowedOrigins = s.allowedOrigins;
            writeStallTimeout = s.writeStallTimeout;
            maxConcurrentResponses = s.maxConcurrentResponses;
            maxResponsesPerAddress = s.maxResponsesPerAddress;
        }
    }

    private WebSocketSettings(Draft d) {
        this.paths = List.copyOf(d.paths);
        this.maxFrameSize = d.maxFrameSize;
        this.maxMessageSize = d.maxMessageSize;
        this.staticFiles = d.staticFiles;
        this.serveHiddenFiles = d.serveHiddenFiles;
        this.trustedProxies = List.copyOf(d.trustedProxies);
        this.allowedOrigins = d.allowedOrigins.stream().map(WebSocketSettings::normalizeOrigin).toList();
        this.writeStallTimeout = Objects.requireNonNull(d.writeStallTimeout, "writeStallTimeout");
        this.maxConcurrentResponses = d.maxConcurrentResponses;
        this.maxResponsesPerAddress = d.maxResponsesPerAddress;
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
        if (writeStallTimeout.isNegative() || writeStallTimeout.isZero()) {
            throw new IllegalArgumentException("writeStallTimeout must be positive, was " + writeStallTimeout);
        }
        if (maxConcurrentResponses < 0) {
            throw new IllegalArgumentException("maxConcurrentResponses must be >= 0 (0 = unlimited), was " + maxConcurrentResponses);
        }
        if (maxResponsesPerAddress < 0) {
            throw new IllegalArgumentException("maxResponsesPerAddress must be >= 0 (0 = unlimited), was " + maxResponsesPerAddress);
        }
    }

    /** {@code https://App.example.com/} → {@code https://app.example.com}: browsers send an origin without path. */
    private static String normalizeOrigin(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        while (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(o);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || uri.getHost() == null || !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("allowedOrigins entry '" + origin + "' is not an origin: write scheme://host[:port],"
                    + " e.g. https://app.example.com");
        }
        return o;
    }

    /**
     * Path {@code /mqtt}, 64 KiB frames, messages up to the broker's maximum packet size, any origin, no static
     * files (hidden files refused when there are), a 30 s write-stall timeout, 64 answers per listener and 8 per
     * address at once, no proxies.
     */
    public static WebSocketSettings defaults() {
        return DEFAULTS;
    }

    private WebSocketSettings with(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new WebSocketSettings(d);
    }

    /** The paths that upgrade ({@code "/"} for {@code wxs://host}, {@code "*"} for any). */
    public WebSocketSettings withPaths(String... newPaths) {
        return with(d -> d.paths = List.of(newPaths));
    }

    /** Largest single WebSocket frame; a larger one closes the connection with 1009 (message too big). */
    public WebSocketSettings withMaxFrameSize(int bytes) {
        return with(d -> d.maxFrameSize = bytes);
    }

    /** Largest message (a frame and its continuations); 0 means the broker's maximum packet size. */
    public WebSocketSettings withMaxMessageSize(int bytes) {
        return with(d -> d.maxMessageSize = bytes);
    }

    /** Serves GET requests for files under {@code folder} (never outside it). */
    public WebSocketSettings withStaticFiles(Path folder) {
        Objects.requireNonNull(folder, "folder");
        return with(d -> d.staticFiles = folder);
    }

    /**
     * Whether files and folders whose name starts with {@code .} ({@code .env}, {@code .git/config}) are served
     * from the static folder; by default they are answered 404, since they are usually secrets deployed by mistake.
     */
    public WebSocketSettings withServeHiddenFiles(boolean serve) {
        return with(d -> d.serveHiddenFiles = serve);
    }

    /** Addresses or CIDR blocks ({@code "127.0.0.1"}, {@code "10.0.0.0/8"}) whose X-Forwarded-For is believed. */
    public WebSocketSettings withTrustedProxies(String... proxies) {
        return with(d -> d.trustedProxies = List.of(proxies));
    }

    /**
     * The browser origins ({@code "https://app.example.com"}) whose pages may open an MQTT WebSocket; an upgrade
     * with another {@code Origin} header is refused with 403. None (the default) allows every origin. Clients
     * that are not browsers send no {@code Origin} and are not affected: this guards against other web pages
     * using a visitor's browser (cross-site WebSocket hijacking), not against clients that can forge headers.
     */
    public WebSocketSettings withAllowedOrigins(String... origins) {
        return with(d -> d.allowedOrigins = List.of(origins));
    }

    /** How long an HTTP answer may make no progress (no byte accepted by the client) before its connection closes. */
    public WebSocketSettings withWriteStallTimeout(Duration timeout) {
        return with(d -> d.writeStallTimeout = timeout);
    }

    /** HTTP answers (files and routes) under way at once on the listener; beyond it 503. 0 = unlimited. */
    public WebSocketSettings withMaxConcurrentResponses(int responses) {
        return with(d -> d.maxConcurrentResponses = responses);
    }

    /** HTTP answers under way at once to one client address; beyond it 503. 0 = unlimited. */
    public WebSocketSettings withMaxResponsesPerAddress(int responses) {
        return with(d -> d.maxResponsesPerAddress = responses);
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

    public boolean serveHiddenFiles() {
        return serveHiddenFiles;
    }

    public List<String> trustedProxies() {
        return trustedProxies;
    }

    /** The allowed origins, normalised (lower case, no trailing slash); empty = any. */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    public Duration writeStallTimeout() {
        return writeStallTimeout;
    }

    public int maxConcurrentResponses() {
        return maxConcurrentResponses;
    }

    public int maxResponsesPerAddress() {
        return maxResponsesPerAddress;
    }

    /** Whether a request for {@code path} (without query) upgrades. */
    public boolean upgrades(String path) {
        return paths.contains(ANY_PATH) || paths.contains(path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebSocketSettings w && paths.equals(w.paths) && maxFrameSize == w.maxFrameSize
                && maxMessageSize == w.maxMessageSize && Objects.equals(staticFiles, w.staticFiles)
                && serveHiddenFiles == w.serveHiddenFiles && trustedProxies.equals(w.trustedProxies)
                && allowedOrigins.equals(w.allowedOrigins) && writeStallTimeout.equals(w.writeStallTimeout)
                && maxConcurrentResponses == w.maxConcurrentResponses && maxResponsesPerAddress == w.maxResponsesPerAddress;
    }

    @Override
    public int hashCode() {
        return Objects.hash(paths, maxFrameSize, maxMessageSize, staticFiles, serveHiddenFiles, trustedProxies, allowedOrigins,
                writeStallTimeout, maxConcurrentResponses, maxResponsesPerAddress);
    }

    @Override
    public String toString() {
        return "WebSocketSettings[paths=" + paths + ", maxFrameSize=" + maxFrameSize + ", maxMessageSize="
                + (maxMessageSize == 0 ? "maxPacketSize" : maxMessageSize)
                + (staticFiles != null ? ", staticFiles=" + staticFiles + (serveHiddenFiles ? " (hidden files too)" : "") : "")
                + (trustedProxies.isEmpty() ? "" : ", trustedProxies=" + trustedProxies)
                + (allowedOrigins.isEmpty() ? "" : ", allowedOrigins=" + allowedOrigins)
                + ", writeStallTimeout=" + writeStallTimeout + ", maxConcurrentResponses=" + maxConcurrentResponses
                + ", maxResponsesPerAddress=" + maxResponsesPerAddress + "]";
    }
}
