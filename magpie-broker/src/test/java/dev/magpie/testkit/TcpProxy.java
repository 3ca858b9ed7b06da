package dev.magpie.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port that pipes every connection to {@code 127.0.0.1:upstreamPort} and can be cut
 * and restored, to play a network partition between one node and a shared service (e.g. a cluster node and Redis)
 * while the rest of the test keeps talking to the service directly. {@link #cut()} closes every piped connection
 * and closes each new one at once (the peer sees a reset and reconnects in vain) until {@link #restore()}.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start(redis.port())) {
 *     // point the node at "redis://127.0.0.1:" + proxy.port()
 *     proxy.cut();
 *     ...
 *     proxy.restore();
 * }
 * }</pre>
 */
public final class TcpProxy implements AutoCloseable {
    private final int upstreamPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean cut;
    private volatile boolean closed;

    private TcpProxy(int upstreamPort, ServerSocket server) {
        this.upstreamPort = upstreamPort;
        this.server = server;
    }

    /** Starts accepting on 127.0.0.1, port 0; see {@link #port()}. */
    public static TcpProxy start(int upstreamPort) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            TcpProxy proxy = new TcpProxy(upstreamPort, server);
            daemon("tcp-proxy-accept-" + server.getLocalPort(), proxy::acceptLoop).start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the proxy's port", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Closes every piped connection and refuses new ones (accepted, then closed) until {@link #restore()}. */
    public void cut() {
        cut = true;
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    public void restore() {
        cut = false;
    }

    /** Connections accepted and closed at once because the proxy was cut, since it started. */
    public int refused() {
        return refused.get();
    }

    /** Connections piped now (both sides counted once per client connection). */
    public int connections() {
        return open.size() / 2;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            open.add(client);
            open.add(upstream);
            daemon("tcp-proxy-up", () -> pipe(client, upstream)).start();
            daemon("tcp-proxy-down", () -> pipe(upstream, client)).start();
        }
    }

    /** Copies until either side closes, then closes both. */
    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away (or was cut): both close below
        } finally {
            open.remove(from);
            open.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        cut();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
