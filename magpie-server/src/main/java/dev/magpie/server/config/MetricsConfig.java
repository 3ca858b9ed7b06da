package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.magpie.Broker;
import dev.magpie.observe.metrics.MetricsSettings;

import java.util.Objects;

/**
 * The {@code metrics:} section: {@code /metrics} (Prometheus text), {@code /health} and {@code /ready} on every ws/wss
 * listener, and optionally on a plain HTTP port on 127.0.0.1 (see {@code docs/operations.md#metrics-and-health}).
 * Validated by building the broker's {@link MetricsSettings}, so the config and the embedding API refuse the same
 * things.
 *
 * @param enabled  false: none of the three paths is served (a route of that path is then a 404)
 * @param path     where the Prometheus text is served on the listeners and the loopback port
 * @param token    the bearer token that lets scrapers elsewhere read {@code path} on a listener; empty: only clients on
 *                 this machine may (docs/security.md#metrics)
 * @param jvm      whether the JVM's memory, GC, thread, class and CPU meters are included
 * @param loopback whether the three paths are also served on {@code 127.0.0.1:port}, plain HTTP, to anyone on this machine
 * @param port     the loopback port; 0 picks a free one (the log says which)
 */
public record MetricsConfig(boolean enabled, String path, String token, boolean jvm, boolean loopback, int port) {

    public static final int DEFAULT_PORT = 9883;
    public static final MetricsConfig DEFAULTS = new MetricsConfig(true, "/metrics", "", true, false, DEFAULT_PORT);

    public MetricsConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(token, "token");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535 (0: any free port), was " + port);
        }
        toSettings(path, token, jvm, loopback, port); // validates now, with the file's line
    }

    @JsonCreator
    static MetricsConfig fromYaml(@JsonProperty("enabled") Boolean enabled, @JsonProperty("path") String path,
                                  @JsonProperty("token") String token, @JsonProperty("jvm") Boolean jvm,
                                  @JsonProperty("loopback") Boolean loopback, @JsonProperty("port") Integer port) {
        MetricsConfig d = DEFAULTS;
        return new MetricsConfig(enabled != null ? enabled : d.enabled, path != null ? path : d.path, token != null ? token : d.token,
                jvm != null ? jvm : d.jvm, loopback != null ? loopback : d.loopback, port != null ? port : d.port);
    }

    /** Turns the metrics on in {@code builder} as this section says (nothing when disabled). */
    public Broker.Builder applyTo(Broker.Builder builder) {
        return enabled ? builder.metrics(toSettings(path, token, jvm, loopback, port)) : builder;
    }

    private static MetricsSettings toSettings(String path, String token, boolean jvm, boolean loopback, int port) {
        try {
            return new MetricsSettings(path, loopback ? port : MetricsSettings.NO_LOOPBACK_PORT, token, jvm);
        } catch (IllegalArgumentException e) {
            throw ConfigKeys.inYamlTerms(e);
        }
    }

    @Override
    public String toString() {
        return "MetricsConfig[enabled=" + enabled + ", path=" + path + ", token=" + (token.isEmpty() ? "none" : "***") + ", jvm=" + jvm
                + ", loopback=" + loopback + ", port=" + port + "]";
    }
}
