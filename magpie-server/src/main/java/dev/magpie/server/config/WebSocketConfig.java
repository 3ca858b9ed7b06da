package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.magpie.WebSocketSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code websocket:} section of a {@code ws} or {@code wss} listener. Construction builds the
 * {@link WebSocketSettings} so that a value the broker would refuse is a config error naming its key.
 *
 * @param paths                  request paths that upgrade to MQTT ({@code "*"} for any)
 * @param maxFrameSize           largest WebSocket frame in bytes
 * @param maxMessageSize         largest message in bytes; 0 for the broker's maximum packet size
 * @param staticDir              folder served to plain GET requests, {@code ""} for none (relative to the config file)
 * @param serveHiddenFiles       whether names starting with {@code .} under {@code static_dir} are served (default no)
 * @param trustedProxies         addresses or CIDR blocks whose {@code X-Forwarded-For} is believed
 * @param allowedOrigins         browser origins that may open an MQTT WebSocket; empty for any
 * @param writeStallTimeout      how long an HTTP answer may make no progress before its connection is closed
 * @param maxConcurrentResponses HTTP answers under way at once on the listener (0 = unlimited)
 * @param maxResponsesPerAddress HTTP answers under way at once to one client address (0 = unlimited)
 */
public record WebSocketConfig(List<String> paths, int maxFrameSize, int maxMessageSize, String staticDir,
                              boolean serveHiddenFiles, List<String> trustedProxies, List<String> allowedOrigins,
                              Duration writeStallTimeout, int maxConcurrentResponses, int maxResponsesPerAddress) {

    /** The defaults of {@link WebSocketSettings#defaults()}. */
    public static final WebSocketConfig DEFAULTS = from(WebSocketSettings.defaults());

    public WebSocketConfig {
        paths = List.copyOf(paths);
        trustedProxies = List.copyOf(trustedProxies);
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(staticDir, "staticDir");
        Objects.requireNonNull(writeStallTimeout, "writeStallTimeout");
        build(paths, maxFrameSize, maxMessageSize, staticDir, serveHiddenFiles, trustedProxies, allowedOrigins, writeStallTimeout,
                maxConcurrentResponses, maxResponsesPerAddress);
    }

    private static WebSocketConfig from(WebSocketSettings d) {
        return new WebSocketConfig(d.paths(), d.maxFrameSize(), d.maxMessageSize(), "", d.serveHiddenFiles(), d.trustedProxies(),
                d.allowedOrigins(), d.writeStallTimeout(), d.maxConcurrentResponses(), d.maxResponsesPerAddress());
    }

    @JsonCreator
    static WebSocketConfig fromYaml(@JsonProperty("paths") List<String> paths,
                                    @JsonProperty("max_frame_size") Integer maxFrameSize,
                                    @JsonProperty("max_message_size") Integer maxMessageSize,
                                    @JsonProperty("static_dir") String staticDir,
                                    @JsonProperty("serve_hidden_files") Boolean serveHiddenFiles,
                                    @JsonProperty("trusted_proxies") List<String> trustedProxies,
                                    @JsonProperty("allowed_origins") List<String> allowedOrigins,
                                    @JsonProperty("write_stall_timeout") Duration writeStallTimeout,
                                    @JsonProperty("max_concurrent_responses") Integer maxConcurrentResponses,
                                    @JsonProperty("max_responses_per_address") Integer maxResponsesPerAddress) {
        WebSocketConfig d = DEFAULTS;
        return new WebSocketConfig(
                paths != null ? paths : d.paths,
                maxFrameSize != null ? maxFrameSize : d.maxFrameSize,
                maxMessageSize != null ? maxMessageSize : d.maxMessageSize,
                staticDir != null ? staticDir.strip() : d.staticDir,
                serveHiddenFiles != null ? serveHiddenFiles : d.serveHiddenFiles,
                trustedProxies != null ? trustedProxies : d.trustedProxies,
                allowedOrigins != null ? allowedOrigins : d.allowedOrigins,
                writeStallTimeout != null ? writeStallTimeout : d.writeStallTimeout,
                maxConcurrentResponses != null ? maxConcurrentResponses : d.maxConcurrentResponses,
                maxResponsesPerAddress != null ? maxResponsesPerAddress : d.maxResponsesPerAddress);
    }

    public WebSocketSettings toSettings() {
        return build(paths, maxFrameSize, maxMessageSize, staticDir, serveHiddenFiles, trustedProxies, allowedOrigins, writeStallTimeout,
                maxConcurrentResponses, maxResponsesPerAddress);
    }

    /** This section with a relative {@code static_dir} resolved against {@code directory}. */
    public WebSocketConfig resolvedAgainst(Path directory) {
        return new WebSocketConfig(paths, maxFrameSize, maxMessageSize, SecurityConfig.resolve(directory, staticDir), serveHiddenFiles,
                trustedProxies, allowedOrigins, writeStallTimeout, maxConcurrentResponses, maxResponsesPerAddress);
    }

    private static WebSocketSettings build(List<String> paths, int maxFrameSize, int maxMessageSize, String staticDir,
                                           boolean serveHiddenFiles, List<String> trustedProxies, List<String> allowedOrigins,
                                           Duration writeStallTimeout, int maxConcurrentResponses, int maxResponsesPerAddress) {
        WebSocketSettings s = TlsConfig.step("paths", () -> WebSocketSettings.defaults().withPaths(paths.toArray(String[]::new)));
        s = step(s, "max_frame_size", w -> w.withMaxFrameSize(maxFrameSize));
        s = step(s, "max_message_size", w -> w.withMaxMessageSize(maxMessageSize));
        s = step(s, "trusted_proxies", w -> w.withTrustedProxies(trustedProxies.toArray(String[]::new)));
        s = step(s, "allowed_origins", w -> w.withAllowedOrigins(allowedOrigins.toArray(String[]::new)));
        s = step(s, "write_stall_timeout", w -> w.withWriteStallTimeout(writeStallTimeout));
        s = step(s, "max_concurrent_responses", w -> w.withMaxConcurrentResponses(maxConcurrentResponses));
        s = step(s, "max_responses_per_address", w -> w.withMaxResponsesPerAddress(maxResponsesPerAddress));
        s = s.withServeHiddenFiles(serveHiddenFiles);
        if (!staticDir.isEmpty()) {
            s = step(s, "static_dir", w -> w.withStaticFiles(Path.of(staticDir)));
        }
        return s;
    }

    private static WebSocketSettings step(WebSocketSettings current, String key, java.util.function.UnaryOperator<WebSocketSettings> change) {
        return TlsConfig.step(key, () -> change.apply(current));
    }
}
