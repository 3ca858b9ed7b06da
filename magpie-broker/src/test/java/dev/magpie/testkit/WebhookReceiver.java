package dev.magpie.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on 127.0.0.1 (the JDK's HttpServer, an ephemeral port) that records every request, for tests of
 * the broker's webhooks. It answers {@code 204} by default, another status when told ({@link #answer}), or not at all
 * until it is closed ({@link #hang}), which is how a slow receiver looks to the broker.
 *
 * <pre>{@code
 * try (WebhookReceiver receiver = WebhookReceiver.start()) {
 *     Broker broker = TestBrokers.anonymous().webhook(Webhook.builder(receiver.url(), SECRET)...build()).build().start();
 *     ...
 *     await().until(() -> receiver.events("client.connected").size() == 1);
 * }
 * }</pre>
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as it arrived. */
    public record Request(Map<String, String> headers, byte[] body, Map<String, Object> json) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        public String event() {
            return String.valueOf(json.get("event"));
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile int status = 204;
    private volatile boolean hanging;
    private volatile boolean trickling;

    private WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    public static WebhookReceiver start() {
        try {
            return new WebhookReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A URL on 127.0.0.1 where nothing listens (a port bound and released): connections are refused. */
    public static URI refusingUrl() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=in-the-query");
    }

    /** Answers {@code newStatus} from now on. */
    public WebhookReceiver answer(int newStatus) {
        this.status = newStatus;
        return this;
    }

    /** Holds every request unanswered (no status line) until {@link #close}. */
    public WebhookReceiver hang() {
        this.hanging = true;
        return this;
    }

    /** Answers {@code 200} at once but never finishes the body (one byte, then nothing until {@link #close}). */
    public WebhookReceiver trickle() {
        this.trickling = true;
        return this;
    }

    private void handle(HttpExchange exchange) throws IOException {
        attempts.incrementAndGet();
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, String> headers = new java.util.HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        @SuppressWarnings("unchecked")
        Map<String, Object> json = mapper.readValue(body, Map.class);
        if (trickling) {
            exchange.sendResponseHeaders(200, 0); // chunked: the end of the body is never announced
            exchange.getResponseBody().write('x');
            exchange.getResponseBody().flush();
        }
        if (hanging || trickling) {
            try {
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        requests.add(new Request(Map.copyOf(headers), body, json));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** The requests answered so far (not those held by {@link #hang}), in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The answered requests whose body's {@code event} is {@code name}. */
    public List<Request> events(String name) {
        return requests.stream().filter(r -> name.equals(r.event())).toList();
    }

    /** Requests that reached the receiver, answered or not (retries included). */
    public int attempts() {
        return attempts.get();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
