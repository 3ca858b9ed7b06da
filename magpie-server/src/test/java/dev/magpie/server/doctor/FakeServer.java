package dev.magpie.server.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server on 127.0.0.1 that misbehaves on purpose, the way broken deployments do: one thread accepts, and each
 * connection is handed to the script on its own thread. Closing it closes every socket, so scripts may block.
 * Public for the client tests of {@code dev.magpie.server.client}, which meet misbehaving brokers too.
 */
public final class FakeServer implements AutoCloseable {

    /** What the server does with one accepted connection. */
    @FunctionalInterface
    public interface Script {
        void run(Socket socket) throws IOException;
    }

    private final ServerSocket listener;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private FakeServer(ServerSocket listener, Script script) {
        this.listener = listener;
        Thread acceptor = new Thread(() -> acceptLoop(script), "fake-server-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static FakeServer start(Script script) throws IOException {
        return new FakeServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), script);
    }

    /** Same, on a listener the caller made (a TLS one). */
    public static FakeServer start(ServerSocket listener, Script script) {
        return new FakeServer(listener, script);
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop(Script script) {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.add(socket);
            Thread worker = new Thread(() -> {
                try {
                    script.run(socket);
                } catch (IOException e) {
                    // the client went away: the script's job is done
                }
            }, "fake-connection");
            worker.setDaemon(true);
            worker.start();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
