package dev.magpie.observe.metrics;

import java.util.Objects;

/**
 * Where the broker serves {@code /metrics} (Prometheus text format), {@code /health} and {@code /ready}: on every
 * {@code ws}/{@code wss} listener (at {@link #path()}, the other two beside it), and on a plain HTTP port bound to
 * 127.0.0.1 when {@link #loopbackPort()} is 0 (any free port) or more.
 *
 * <pre>{@code
 * Broker broker = Broker.builder()
 *         .listener(Listener.wss("0.0.0.0", 443, tls))
 *         .metrics(MetricsSettings.defaults().withLoopbackPort(9183).withToken(System.getenv("METRICS_TOKEN")))
 *         .build().start();
 * // curl http://127.0.0.1:9183/metrics, or from elsewhere: curl -H "Authorization: Bearer $METRICS_TOKEN" https://host/metrics
 * }</pre>
 *
 * <p>Who may read {@code /metrics} on a listener: clients on this machine (a loopback address, with no
 * {@code X-Forwarded-For}/{@code Forwarded} header a local proxy would add), or anyone presenting
 * {@code Authorization: Bearer <token>} when a {@link #token()} is set; everyone else gets 403 (401 when a token
 * is set). {@code /health} and {@code /ready} say only whether the broker runs and is ready, and are open to all
 * (load balancers probe them). See {@code docs/security.md#metrics}.
 *
 * @param path         where the Prometheus text is served, e.g. {@code /metrics}
 * @param loopbackPort {@link #NO_LOOPBACK_PORT} for none, 0 for any free port, else the port on 127.0.0.1
 * @param token        the bearer token that lets non-local clients read {@code path}; empty: none can
 * @param jvmMeters    whether JVM memory, GC, threads, class loading, CPU and uptime meters are added
 */
public record MetricsSettings(String path, int loopbackPort, String token, boolean jvmMeters) {
    /** {@link #loopbackPort()}: no plain loopback HTTP port. */
    public static final int NO_LOOPBACK_PORT = -1;
    /** The liveness path: 200 {@code ok} while the broker runs. */
    public static final String HEALTH_PATH = "/health";
    /** The readiness path: 200 once every listener is bound and the store is open, else 503 with the reasons. */
    public static final String READY_PATH = "/ready";

    public MetricsSettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(token, "token");
        if (!path.startsWith("/") || path.contains("*") || path.equals(HEALTH_PATH) || path.equals(READY_PATH)) {
            throw new IllegalArgumentException("path must start with '/', have no '*' and not be " + HEALTH_PATH + " or "
                    + READY_PATH + ", was '" + path + "'");
        }
        if (loopbackPort < NO_LOOPBACK_PORT || loopbackPort > 65_535) {
            throw new IllegalArgumentException("loopbackPort must be 0..65535 (0: any free port) or " + NO_LOOPBACK_PORT
                    + " for none, was " + loopbackPort);
        }
        if (!token.isEmpty() && (token.length() < 16 || token.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
            throw new IllegalArgumentException("token must be at least 16 printable ASCII characters without spaces"
                    + " (e.g. the output of: openssl rand -hex 24), or empty for none");
        }
    }

    /** {@code /metrics} on the listeners, no loopback port, no token, JVM meters on. */
    public static MetricsSettings defaults() {
        return new MetricsSettings("/metrics", NO_LOOPBACK_PORT, "", true);
    }

    public MetricsSettings withPath(String newPath) {
        return new MetricsSettings(newPath, loopbackPort, token, jvmMeters);
    }

    /** A plain HTTP port on 127.0.0.1 serving the three paths to anyone on this machine; 0 for any free port. */
    public MetricsSettings withLoopbackPort(int port) {
        return new MetricsSettings(path, port, token, jvmMeters);
    }

    /** The bearer token for scrapers that are not on this machine; null or empty for none. */
    public MetricsSettings withToken(String newToken) {
        return new MetricsSettings(path, loopbackPort, newToken == null ? "" : newToken, jvmMeters);
    }

    public MetricsSettings withJvmMeters(boolean on) {
        return new MetricsSettings(path, loopbackPort, token, on);
    }

    public boolean hasLoopbackPort() {
        return loopbackPort != NO_LOOPBACK_PORT;
    }

    @Override
    public String toString() {
        return "MetricsSettings[path=" + path + ", loopbackPort=" + loopbackPort + ", token=" + (token.isEmpty() ? "none" : "***")
                + ", jvmMeters=" + jvmMeters + "]";
    }
}
