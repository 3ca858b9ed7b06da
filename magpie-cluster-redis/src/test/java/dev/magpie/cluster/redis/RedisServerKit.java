package dev.magpie.cluster.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A private {@code redis-server} for one test class: Debian's binary on a free loopback port, without persistence
 * ({@code --save "" --appendonly no}), so tests never depend on (or disturb) a Redis service the machine may run.
 * Skipped where the binary is missing; under CI (variable {@code CI} set) a missing binary fails instead, so CI cannot
 * pass without these tests. Also speaks just enough RESP to send the failure commands tests need
 * ({@code CLIENT PAUSE}, {@code CLIENT KILL}, {@code SHUTDOWN NOSAVE}). {@link #startTls} adds a TLS port beside the
 * plain one (which the kit's own commands keep using).
 *
 * <pre>{@code
 * static RedisServerKit redis;
 * @BeforeAll static void redis() { redis = RedisServerKit.start(); }
 * @AfterAll static void stop() { redis.close(); }
 * ... RedisBackendSettings.of(redis.uri()) ...
 * }</pre>
 */
public final class RedisServerKit implements AutoCloseable {
    static final Path BINARY = Path.of(System.getProperty("magpie.test.redis-server", "/usr/bin/redis-server"));

    private final int port;
    private final Path log;
    /** The TLS port, 0 for none. */
    private final int tlsPort;
    private final List<String> extraArguments;
    private Process process;

    private RedisServerKit(int port, Path log, int tlsPort, List<String> extraArguments) {
        this.port = port;
        this.log = log;
        this.tlsPort = tlsPort;
        this.extraArguments = List.copyOf(extraArguments);
    }

    /** Starts a server on a free port, or skips (fails under CI) when there is no redis-server. */
    public static RedisServerKit start() {
        return start(false, null, null, null, false);
    }

    /**
     * Starts a server with a plain port ({@link #uri()}) and a TLS one ({@link #tlsUri()}) presenting {@code certFile}
     * and {@code keyFile} (PEM); with {@code requireClientCertificates}, a TLS client must present a certificate signed
     * by {@code caFile} ({@code tls-auth-clients yes}). Skipped like {@link #start()} without the binary.
     */
    public static RedisServerKit startTls(Path certFile, Path keyFile, Path caFile, boolean requireClientCertificates) {
        return start(true, certFile, keyFile, caFile, requireClientCertificates);
    }

    private static RedisServerKit start(boolean tls, Path certFile, Path keyFile, Path caFile, boolean clientCerts) {
        if (!Files.isExecutable(BINARY)) {
            if (System.getenv("CI") != null) {
                fail(BINARY + " is missing under CI: .ci/run installs the redis-server package");
            }
            assumeTrue(false, "no " + BINARY + ": apt-get install redis-server to run the cluster tests");
        }
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                int tlsPort = tls ? freePort() : 0;
                List<String> extra = tls ? List.of("--tls-port", Integer.toString(tlsPort), "--tls-cert-file",
                        certFile.toString(), "--tls-key-file", keyFile.toString(), "--tls-ca-cert-file", caFile.toString(),
                        "--tls-auth-clients", clientCerts ? "yes" : "no") : List.of();
                RedisServerKit kit = new RedisServerKit(freePort(),
                        Files.createTempFile("magpie-test-redis-", ".log"), tlsPort, extra);
                kit.launch();
                return kit;
            } catch (IOException e) {
                last = e;                                 // the port was taken meanwhile: another one
            }
        }
        throw new IllegalStateException("redis-server did not start on any of 5 free ports", last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void launch() throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(BINARY.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes",
                "--dir", System.getProperty("java.io.tmpdir"), "--logfile", ""));
        command.addAll(extraArguments);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("exited");
                        }
                        return "PONG".equals(command("PING"));
                    });
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw new IOException("redis-server on port " + port + " did not answer: " + Files.readString(log), e);
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** The TLS address of a server made by {@link #startTls}. */
    public String tlsUri() {
        if (tlsPort == 0) {
            throw new IllegalStateException("this redis-server has no TLS port: start it with startTls");
        }
        return "rediss://127.0.0.1:" + tlsPort;
    }

    /** Sends one command and returns the first line of the reply (without its type prefix). */
    public String command(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(arg).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            String reply = line.toString(StandardCharsets.UTF_8);
            return reply.isEmpty() ? "" : reply.substring(1);
        }
    }

    /** Kills every connection of these client types (e.g. "normal", "pubsub"): what a network blip does. */
    public void killClients(String... types) throws IOException {
        for (String type : types) {
            command("CLIENT", "KILL", "TYPE", type);
        }
    }

    /** {@code SHUTDOWN NOSAVE}, then a new empty server on the same port. */
    public void restart() throws IOException {
        stopProcess();
        launch();
    }

    private void stopProcess() {
        try {
            command("SHUTDOWN", "NOSAVE");
        } catch (IOException e) {
            // it closes the connection without a reply
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The server's log so far, for a failure message. */
    public List<String> log() throws IOException {
        return Files.readAllLines(log);
    }

    @Override
    public void close() throws IOException {
        if (process != null && process.isAlive()) {
            stopProcess();
        }
        Files.deleteIfExists(log);
    }
}
