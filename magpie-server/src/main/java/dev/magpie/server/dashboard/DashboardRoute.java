package dev.magpie.server.dashboard;

import dev.magpie.Broker;
import dev.magpie.server.admin.ListenerRule;
import dev.magpie.server.config.AdminConfig;
import dev.magpie.server.config.MagpieConfig;
import dev.magpie.spi.HttpRoute;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Serves the dashboard at {@code /dashboard/} (and redirects {@code /dashboard} there). Register it for both paths:
 *
 * <pre>{@code
 * DashboardRoute dashboard = new DashboardRoute(DashboardFiles.load(), name -> true, Set.of("local-ws"));
 * builder.httpRoute(DashboardRoute.PATH, dashboard).httpRoute(DashboardRoute.PREFIX, dashboard);
 * }</pre>
 *
 * <p>The listener rule is the admin API's ({@link ListenerRule}): the pages carry a login form and a bearer token, so they are served
 * only over TLS or on a listener bound to loopback (whose traffic never leaves the machine); elsewhere the answer
 * is 403 with the reason. Every answer carries a Content-Security-Policy that allows only this origin (plus
 * {@code ws:}/{@code wss:} for the live view's MQTT connection) and no framing, so neither injected script nor a
 * foreign page embedding the dashboard can act with the admin's token. Files are revalidated on every load
 * ({@code no-cache} with an ETag) so a broker upgrade never leaves an old page talking to a new API.
 */
public final class DashboardRoute implements HttpRoute {
    /** The exact path, redirected to {@link #PREFIX} without its star. */
    public static final String PATH = "/dashboard";
    /** The prefix registration for the files. */
    public static final String PREFIX = "/dashboard/*";

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:;"
            + " style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final String ROOT = PATH + "/";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DashboardRoute.class);

    private final DashboardFiles files;
    private final Predicate<String> servedOn;
    private final Set<String> loopbackListeners;

    /**
     * @param files             what to serve
     * @param servedOn          which listeners (by name) serve it; others answer 404
     * @param loopbackListeners names of the listeners bound to a loopback address, where plain HTTP is accepted
     */
    public DashboardRoute(DashboardFiles files, Predicate<String> servedOn, Set<String> loopbackListeners) {
        this.files = files;
        this.servedOn = servedOn;
        this.loopbackListeners = Set.copyOf(loopbackListeners);
    }

    /** The names of those listeners, from (name, bind) pairs. */
    public static Set<String> loopbackNames(Collection<Map.Entry<String, String>> nameAndBind) {
        return nameAndBind.stream().filter(e -> ListenerRule.isLoopback(e.getValue())).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Registers the dashboard on the broker being built when {@code config} serves the admin API and
     * {@code admin.dashboard} is on: on the listeners the API answers on ({@code admin.listeners}, or
     * {@code devListener}), plain HTTP accepted on those bound to loopback, TLS everywhere.
     *
     * @param devListener the name of {@code serve --dev}'s HTTPS listener, which serves it; null without {@code --dev}
     */
    public static void register(Broker.Builder builder, MagpieConfig config, String devListener) {
        AdminConfig admin = config.admin();
        if (!admin.dashboard() || !admin.enabled() && devListener == null) {
            return;
        }
        Set<String> loopback = loopbackNames(config.listeners().stream()
                .map(l -> Map.entry(l.name(), l.bind())).toList());
        DashboardRoute route = new DashboardRoute(DashboardFiles.load(),
                name -> admin.servesOn(name) || name.equals(devListener), loopback);
        builder.httpRoute(PATH, route).httpRoute(PREFIX, route);
        LOG.info("web dashboard on /dashboard/ wherever the admin API answers (admin.dashboard: false turns it off)");
    }

    @Override
    public Response handle(Request request) {
        if (!servedOn.test(request.listener())) {
            return secured(page(404, "No dashboard on this listener (see admin.listeners)."));
        }
        if (!request.secure() && !loopbackListeners.contains(request.listener())) {
            return secured(page(403, "The dashboard is only served over HTTPS (a wss listener) or on a listener bound to"
                    + " loopback: this listener (" + request.listener() + ") is neither."));
        }
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return secured(Response.text(405, "the dashboard's files are read with GET")).withHeader("Allow", "GET, HEAD");
        }
        if (request.path().equals(PATH)) {
            return secured(Response.text(308, "see " + ROOT)).withHeader("Location", ROOT);
        }
        String name = request.path().startsWith(ROOT) ? request.path().substring(ROOT.length()) : null;
        Optional<DashboardFiles.File> file = name == null ? Optional.empty()
                : files.find(name.isEmpty() ? "index.html" : name);
        if (file.isEmpty()) {
            return secured(page(404, "No such page in the dashboard."));
        }
        DashboardFiles.File f = file.get();
        boolean unchanged = request.header("if-none-match").map(tags -> tags.contains(f.etag())).orElse(false);
        Response response = unchanged ? new Response(304, f.contentType(), new byte[0]) : new Response(200, f.contentType(), f.bytes());
        return secured(response).withHeader("ETag", f.etag());
    }

    private static Response secured(Response response) {
        return response.withHeader("Cache-Control", "no-cache")
                .withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .withHeader("X-Frame-Options", "DENY")
                .withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("Referrer-Policy", "no-referrer");
    }

    private static Response page(int status, String message) {
        String html = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Magpie dashboard</title><p>"
                + message.replace("&", "&amp;").replace("<", "&lt;") + "</p></html>";
        return new Response(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }
}
