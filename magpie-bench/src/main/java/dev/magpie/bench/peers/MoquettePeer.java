package dev.magpie.bench.peers;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;

import java.util.Properties;

/**
 * Moquette, for the peer comparison only: 127.0.0.1:PORT, anonymous, persistence off (in-memory queues and
 * sessions), {@code netty.tcp_nodelay} on, no WebSocket or TLS listener. Prints {@code READY PORT} once it listens,
 * then runs until killed.
 *
 * <pre>
 * java -cp magpie-bench/target/classes:$(cat magpie-bench/target/peers/moquette/classpath.txt) \
 *     dev.magpie.bench.peers.MoquettePeer 1883
 * </pre>
 */
public final class MoquettePeer {
    private MoquettePeer() {
    }

    /** {@code args}: the port. */
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", args[0]);
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("netty.tcp_nodelay", "true");
        Server server = new Server();
        server.startServer(new MemoryConfig(p));
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopServer));
        System.out.println("READY " + args[0]);
        System.out.flush();
        Thread.currentThread().join();
    }
}
