package dev.magpie.observe.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.magpie.spi.HttpRoute;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /metrics}, {@code /health} and {@code /ready} of one broker: the Prometheus registry its meters go to, the
 * three {@link HttpRoute}s the broker adds to its {@code ws}/{@code wss} listeners, and the optional plain loopback
 * port. Made by {@code Broker.Builder.metrics(MetricsSettings)}; an application does not build one itself.
 *
 * <p>The scrape runs on the HTTP executor (or the loopback port's thread): every gauge is read then, so the sums over
 * sessions cost O(sessions) per scrape and nothing per message.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    /** The classic Prometheus text format, what a scraper gets unless it asks for OpenMetrics. */
    public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    public static final String OPENMETRICS_FORMAT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final MetricsSettings settings;
    private final PrometheusMeterRegistry prometheus;
    private final MeterRegistry registry;
    private final MetricsAccess access;
    private final ObjectMapper json = new ObjectMapper();
    private final JvmMeters jvm;
    private volatile BrokerState state = new BrokerState() {
        @Override
        public Optional<String> livenessProblem() {
            return Optional.of("the broker has not started");
        }

        @Override
        public Readiness readiness() {
            return new Readiness("starting", List.of("the broker has not started"));
        }
    };
    private LoopbackServer loopback;

    private MetricsEndpoint(MetricsSettings settings, PrometheusMeterRegistry prometheus, MeterRegistry registry) {
        this.settings = settings;
        this.prometheus = prometheus;
        this.registry = registry;
        this.access = new MetricsAccess(settings.token());
        this.jvm = settings.jvmMeters() ? new JvmMeters(prometheus) : null;
    }

    /**
     * The endpoint for a broker whose application gave {@code application} as its registry, or none
     * ({@code application} empty): a Prometheus registry is used as it is; any other becomes, with a new Prometheus
     * registry, a composite, so the application's export and {@code /metrics} both see every meter.
     */
    public static MetricsEndpoint create(MetricsSettings settings, Optional<MeterRegistry> application) {
        if (application.isPresent() && application.get() instanceof PrometheusMeterRegistry p) {
            return new MetricsEndpoint(settings, p, p);
        }
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (application.isEmpty()) {
            return new MetricsEndpoint(settings, prometheus, prometheus);
        }
        CompositeMeterRegistry both = new CompositeMeterRegistry();
        both.add(application.get());
        both.add(prometheus);
        return new MetricsEndpoint(settings, prometheus, both);
    }

    /** Where the broker registers its meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The registry {@code /metrics} is written from. */
    public PrometheusMeterRegistry prometheus() {
        return prometheus;
    }

    public MetricsSettings settings() {
        return settings;
    }

    /** Tells the endpoint how to ask the broker for {@code /health} and {@code /ready}; before {@link #open()}. */
    public void watch(BrokerState brokerState) {
        this.state = brokerState;
    }

    /** The routes for the broker's listeners: {@code settings.path()} (guarded), {@code /health}, {@code /ready}. */
    public Map<String, HttpRoute> listenerRoutes() {
        Map<String, HttpRoute> routes = new LinkedHashMap<>();
        routes.put(settings.path(), request -> access.refusal(request).orElseGet(() -> scrape(request)));
        routes.put(MetricsSettings.HEALTH_PATH, this::health);
        routes.put(MetricsSettings.READY_PATH, this::ready);
        return routes;
    }

    /**
     * Binds the loopback port, if the settings ask for one; at the very start of the broker's start, so that
     * {@code /ready} can say "starting" while the store opens and the listeners bind.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public synchronized void open() {
        if (!settings.hasLoopbackPort() || loopback != null) {
            return;
        }
        Map<String, HttpRoute> routes = new LinkedHashMap<>();
        routes.put(settings.path(), this::scrape);
        routes.put(MetricsSettings.HEALTH_PATH, this::health);
        routes.put(MetricsSettings.READY_PATH, this::ready);
        try {
            loopback = LoopbackServer.start(settings.loopbackPort(), routes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the metrics port 127.0.0.1:" + settings.loopbackPort() + ": " + e.getMessage()
                    + " (another process has it? choose another metrics port, or 0 for any free one)", e);
        }
        InetSocketAddress a = loopback.address();
        LOG.info("metrics on http://{}:{}{} (loopback only), with {} and {}", a.getHostString(), a.getPort(), settings.path(),
                MetricsSettings.HEALTH_PATH, MetricsSettings.READY_PATH);
    }

    /** The bound loopback port's address; empty without one (or before {@link #open()}). */
    public synchronized Optional<InetSocketAddress> loopbackAddress() {
        return loopback == null ? Optional.empty() : Optional.of(loopback.address());
    }

    /** Releases the loopback port and the JVM GC listener; at the very end of the broker's stop. Idempotent. */
    @Override
    public synchronized void close() {
        if (loopback != null) {
            loopback.close();
            loopback = null;
        }
        if (jvm != null) {
            jvm.close();
        }
    }

    /**
     * The Prometheus text of every meter: OpenMetrics when the {@code Accept} header asks for
     * {@code application/openmetrics-text}, else the 0.0.4 text format.
     */
    HttpRoute.Response scrape(HttpRoute.Request request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return HttpRoute.Response.text(405, "use GET\n").withHeader("Allow", "GET, HEAD");
        }
        boolean openMetrics = request.header("accept").map(a -> a.contains("application/openmetrics-text")).orElse(false);
        String type = openMetrics ? OPENMETRICS_FORMAT : TEXT_FORMAT;
        String text = prometheus.scrape(type);
        return new HttpRoute.Response(200, type, text.getBytes(StandardCharsets.UTF_8)).withHeader("Cache-Control", "no-store");
    }

    HttpRoute.Response health(HttpRoute.Request request) {
        Optional<String> problem = state.livenessProblem();
        if (problem.isEmpty()) {
            return HttpRoute.Response.text("ok\n").withHeader("Cache-Control", "no-store");
        }
        return jsonAnswer(503, Map.of("status", "down", "reason", problem.get()));
    }

    HttpRoute.Response ready(HttpRoute.Request request) {
        Readiness r = state.readiness();
        if (r.isReady()) {
            return jsonAnswer(200, Map.of("status", "ready"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", r.state());
        body.put("reasons", r.reasons());
        return jsonAnswer(503, body);
    }

    private HttpRoute.Response jsonAnswer(int status, Map<String, ?> body) {
        try {
            return HttpRoute.Response.json(status, json.writeValueAsString(body) + "\n").withHeader("Cache-Control", "no-store");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }
}
