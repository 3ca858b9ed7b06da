/**
 * The web dashboard: the static single-page application under {@code /dashboard/} (HTML, CSS and plain
 * JavaScript modules kept as resources of this package, no build step) and the {@link dev.magpie.spi.HttpRoute}
 * that serves them.
 *
 * <p>This package owns which files are served ({@link dev.magpie.server.dashboard.DashboardFiles}: a fixed list read
 * from {@code files.txt} at start, so no request path can reach anything else), their content types and security
 * headers, and the listener rule shared with the admin API: served over TLS, or on a listener bound to loopback
 * ({@link dev.magpie.server.dashboard.DashboardRoute}). The pages talk to the broker only through the admin REST API
 * ({@code /api/v1}) and MQTT over WebSocket; they hold no server logic. {@code dev.magpie.server.cli.ServeCommand}
 * registers the route; nothing else calls this package.
 */
package dev.magpie.server.dashboard;
