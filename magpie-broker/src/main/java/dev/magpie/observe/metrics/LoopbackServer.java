package dev.magpie.observe.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.magpie.spi.HttpRoute;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The plain HTTP port on 127.0.0.1 that serves {@code /metrics}, {@code /health} and {@code /ready} to this machine:
 * a Prometheus agent or a health checker next to the broker, without TLS or a token.
 *
 * <p>The JDK's built-in server ({@code jdk.httpserver}, part of every JDK and JRE since 6), not one more Netty
 * pipeline: it runs on a thread of its own, so the metrics can still be read when the broker's event loops are stuck,
 * which is when {@code magpie_eventloop_lag_seconds} and {@code /health} matter most; a scrape a few times a minute
 * needs none of Netty's speed. Bound to the loopback address only, so nothing here is reachable from the network.
 */
final class LoopbackServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService thread;

    private LoopbackServer(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /** Binds 127.0.0.1:{@code port} (0: any free port) and answers {@code routes} by exact path, else 404. */
    static LoopbackServer start(int port, Map<String, HttpRoute> routes) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        ExecutorService thread = Executors.newSingleThreadExecutor(new DefaultThreadFactory("magpie-metrics-http", true));
        server.setExecutor(thread);
        server.createContext("/", exchange -> answer(exchange, routes));
        server.start();
        return new LoopbackServer(server, thread);
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private static void answer(HttpExchange exchange, Map<String, HttpRoute> routes) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes(); // a GET has none; a stray body must not stall the connection
            String path = exchange.getRequestURI().getPath();
            HttpRoute route = routes.get(path);
            HttpRoute.Response response;
            if (route == null) {
                response = HttpRoute.Response.text(404, "not found: this port serves " + String.join(", ", routes.keySet()) + "\n");
            } else {
                Map<String, List<String>> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(values)));
                try {
                    response = route.handle(new HttpRoute.Request(exchange.getRequestMethod(), path, Map.of(), headers, new byte[0],
                            exchange.getRemoteAddress(), false, "metrics-loopback"));
                } catch (RuntimeException e) {
                    response = HttpRoute.Response.text(500, "internal error: " + e + "\n");
                }
            }
            byte[] body = response.body();
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(response.status(), head ? -1 : body.length == 0 ? -1 : body.length);
            if (!head && body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** Stops answering at once and releases the port and the thread. */
    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
