package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.magpie.WebSocketSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code websocket:} section of a {@code ws} or {@code wss} listener. Construction builds the
 * {@link WebSocketSettings} so that a value the broker would refuse is a config error naming its key.
 *
 * @param paths          request paths that upgrade to MQTT ({@code "*"} for any)
 * @param maxFrameSize   largest WebSocket frame in bytes
 * @param maxMessageSize largest message in bytes; 0 for the broker's maximum packet size
 * @param staticDir      folder served to plain GET requests, {@code ""} for none (relative to the config file)
 * @param trustedProxies addresses or CIDR blocks whose {@code X-Forwarded-For} is believed
 */
public record WebSocketConfig(List<String> paths, int maxFrameSize, int maxMessageSize, String staticDir,
                              List<String> trustedProxies) {

    /** The defaults of {@link WebSocketSettings#defaults()}. */
    public static final WebSocketConfig DEFAULTS = new WebSocketConfig(WebSocketSettings.defaults().paths(),
            WebSocketSettings.defaults().maxFrameSize(), WebSocketSettings.defaults().maxMessageSize(), "", List.of());

    public WebSocketConfig {
        paths = List.copyOf(paths);
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(staticDir, "staticDir");
        build(paths, maxFrameSize, maxMessageSize, staticDir, trustedProxies);
    }

    @JsonCreator
    static WebSocketConfig fromYaml(@JsonProperty("paths") List<String> paths,
                                    @JsonProperty("max_frame_size") Integer maxFrameSize,
                                    @JsonProperty("max_message_size") Integer maxMessageSize,
                                    @JsonProperty("static_dir") String staticDir,
                                    @JsonProperty("trusted_proxies") List<String> trustedProxies) {
        WebSocketConfig d = DEFAULTS;
        return new WebSocketConfig(
                paths != null ? paths : d.paths,
                maxFrameSize != null ? maxFrameSize : d.maxFrameSize,
                maxMessageSize != null ? maxMessageSize : d.maxMessageSize,
                staticDir != null ? staticDir.strip() : d.staticDir,
                trustedProxies != null ? trustedProxies : d.trustedProxies);
    }

    public WebSocketSettings toSettings() {
        return build(paths, maxFrameSize, maxMessageSize, staticDir, trustedProxies);
    }

    /** This section with a relative {@code static_dir} resolved against {@code directory}. */
    public WebSocketConfig resolvedAgainst(Path directory) {
        return new WebSocketConfig(paths, maxFrameSize, maxMessageSize, SecurityConfig.resolve(directory, staticDir),
                trustedProxies);
    }

    private static WebSocketSettings build(List<String> paths, int maxFrameSize, int maxMessageSize, String staticDir,
                                           List<String> trustedProxies) {
        WebSocketSettings s = TlsConfig.step("paths", () -> WebSocketSettings.defaults().withPaths(paths.toArray(String[]::new)));
        WebSocketSettings s1 = s;
        s = TlsConfig.step("max_frame_size", () -> s1.withMaxFrameSize(maxFrameSize));
        WebSocketSettings s2 = s;
        s = TlsConfig.step("max_message_size", () -> s2.withMaxMessageSize(maxMessageSize));
        WebSocketSettings s3 = s;
        s = TlsConfig.step("trusted_proxies", () -> s3.withTrustedProxies(trustedProxies.toArray(String[]::new)));
        if (!staticDir.isEmpty()) {
            WebSocketSettings s4 = s;
            s = TlsConfig.step("static_dir", () -> s4.withStaticFiles(Path.of(staticDir)));
        }
        return s;
    }
}
