package dev.magpie.transport;

import javax.net.SocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends one raw HTTP/1.1 request per connection, exactly as written (no client-side path normalisation, so
 * traversal attempts reach the server as typed), and returns the whole answer with header names in lower case.
 */
final class HttpTestClient {
    private final int port;
    private final SocketFactory sockets;

    HttpTestClient(int port) {
        this(port, SocketFactory.getDefault());
    }

    HttpTestClient(int port, SocketFactory sockets) {
        this.port = port;
        this.sockets = sockets;
    }

    String get(String path) throws Exception {
        return request("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }

    /** The answer's status line and headers only, for answers after which the connection stays open (101). */
    String requestHead(String raw) throws Exception {
        try (Socket socket = sockets.createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String head = "";
            for (int b; !head.endsWith("\r\n\r\n") && (b = in.read()) >= 0; ) {
                out.write(b);
                head = out.toString(StandardCharsets.ISO_8859_1);
            }
            return head.toLowerCase(Locale.ROOT).replace("http/1.1", "HTTP/1.1");
        }
    }

    String request(String raw) throws Exception {
        try (Socket socket = sockets.createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            String answer = out.toString(StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            return end < 0 ? answer : answer.substring(0, end).toLowerCase(Locale.ROOT).replace("http/1.1", "HTTP/1.1") + answer.substring(end);
        }
    }
}
