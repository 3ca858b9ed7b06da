package dev.magpie.transport;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A raw WebSocket client (the JDK's) for tests that need to see frames, subprotocols and close codes:
 * everything received in binary frames is appended to one byte stream.
 */
final class WebSocketProbe implements WebSocket.Listener, AutoCloseable {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    WebSocket socket;
    volatile Throwable error;

    static WebSocketProbe open(HttpClient client, URI uri, Map<String, String> headers, String... subprotocols) throws Exception {
        WebSocketProbe probe = new WebSocketProbe();
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        probe.socket = builder.buildAsync(uri, probe).get(10, TimeUnit.SECONDS);
        return probe;
    }

    static WebSocketProbe open(URI uri, String... subprotocols) throws Exception {
        return open(HttpClient.newHttpClient(), uri, Map.of(), subprotocols);
    }

    void send(byte[] bytes, boolean last) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), last).get(5, TimeUnit.SECONDS);
    }

    synchronized byte[] received() {
        return received.toByteArray();
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        synchronized (this) {
            received.writeBytes(bytes);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        this.error = error;
        closeCode.complete(-1);
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }
}
