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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A private Redis Cluster of three masters (no replicas) for one test class: Debian's {@code redis-server} with
 * {@code --cluster-enabled yes} on free loopback ports, each with a cluster bus port of its own ({@code --cluster-port},
 * also free: port + 10000 may not exist), its node file in a temporary directory and no persistence; the slots are
 * spread by {@code redis-cli --cluster create … --cluster-replicas 0 --cluster-yes}, and the kit returns once every
 * node reports {@code cluster_state:ok}. With a password, every node requires it ({@code requirepass}, and
 * {@code masterauth} for the cluster's own links). Skipped without the binaries, failed under CI (as
 * {@link RedisServerKit}).
 *
 * <pre>{@code
 * static RedisClusterKit cluster;
 * @BeforeAll static void cluster() { cluster = RedisClusterKit.start("s3cret"); }
 * @AfterAll static void stop() { cluster.close(); }
 * ... RedisBackendSettings.cluster(cluster.nodes(), "s3cret", false) ...
 * }</pre>
 */
public final class RedisClusterKit implements AutoCloseable {
    static final Path CLI = Path.of(System.getProperty("magpie.test.redis-cli", "/usr/bin/redis-cli"));
    private static final int MASTERS = 3;
    private static final Duration READY = Duration.ofSeconds(20);

    private final Path dir;
    private final String password;
    /** {@code --tls-*} arguments; empty: no TLS ports. */
    private final List<String> tlsArguments;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Integer> tlsPorts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Set<Integer> taken = new HashSet<>();

    private RedisClusterKit(Path dir, String password, List<String> tlsArguments) {
        this.dir = dir;
        this.password = password;
        this.tlsArguments = List.copyOf(tlsArguments);
    }

    /** Three masters without a password. */
    public static RedisClusterKit start() {
        return start("");
    }

    /** Three masters that require {@code password} ({@code ""}: none); skipped (failed under CI) without Redis. */
    public static RedisClusterKit start(String password) {
        return start(password, List.of());
    }

    /**
     * Three masters that also listen on TLS ports ({@link #tlsNodes()}) presenting {@code certFile}/{@code keyFile}
     * (PEM), with the cluster bus over TLS too ({@code tls-cluster yes}). With a {@code clientCertFile} (else
     * {@code null}), a TLS client must present a certificate of {@code caFile} ({@code tls-auth-clients yes}), and
     * the nodes present that one to each other on the bus. A TLS client reads the nodes' TLS ports in the slot map; the
     * kit itself keeps to the plain ports.
     */
    public static RedisClusterKit startTls(String password, Path certFile, Path keyFile, Path caFile,
                                           Path clientCertFile, Path clientKeyFile) {
        List<String> arguments = new ArrayList<>(List.of("--tls-cert-file", certFile.toString(), "--tls-key-file",
                keyFile.toString(), "--tls-ca-cert-file", caFile.toString(), "--tls-cluster", "yes",
                "--tls-replication", "yes", "--tls-auth-clients", clientCertFile != null ? "yes" : "no"));
        if (clientCertFile != null) {
            arguments.addAll(List.of("--tls-client-cert-file", clientCertFile.toString(), "--tls-client-key-file",
                    clientKeyFile.toString()));
        }
        return start(password, arguments);
    }

    private static RedisClusterKit start(String password, List<String> tlsArguments) {
        for (Path binary : List.of(RedisServerKit.BINARY, CLI)) {
            if (!Files.isExecutable(binary)) {
                if (System.getenv("CI") != null) {
                    fail(binary + " is missing under CI: .ci/run installs the redis-server package");
                }
                assumeTrue(false, "no " + binary + ": apt-get install redis-server to run the Redis Cluster tests");
            }
        }
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            RedisClusterKit kit = null;
            try {
                kit = new RedisClusterKit(Files.createTempDirectory("magpie-test-redis-cluster-"), password, tlsArguments);
                kit.launch();
                return kit;
            } catch (IOException e) {
                last = e;                                 // a port was taken meanwhile: other ports
                if (kit != null) {
                    kit.stopQuietly();
                }
            }
        }
        throw new IllegalStateException("a Redis Cluster did not start in 3 attempts", last);
    }

    /** A free loopback port this kit has not handed out yet (a closed socket's port may come again at once). */
    private int freePort() throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (taken.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
        throw new IOException("no new free port in 10 attempts");
    }

    private void launch() throws IOException {
        for (int i = 0; i < MASTERS; i++) {
            int port = freePort();
            int busPort = freePort();
            List<String> command = new ArrayList<>(List.of(RedisServerKit.BINARY.toString(), "--port", Integer.toString(port),
                    "--cluster-port", Integer.toString(busPort), "--cluster-enabled", "yes",
                    "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                    "--dir", dir.toString(), "--logfile", ""));
            if (!password.isEmpty()) {
                command.addAll(List.of("--requirepass", password, "--masterauth", password));
            }
            if (!tlsArguments.isEmpty()) {
                int tlsPort = freePort();
                command.addAll(List.of("--tls-port", Integer.toString(tlsPort)));
                command.addAll(tlsArguments);
                tlsPorts.add(tlsPort);
            }
            ports.add(port);
            processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile())).start());
        }
        try {
            for (int i = 0; i < MASTERS; i++) {
                Process process = processes.get(i);
                int port = ports.get(i);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("exited");
                    }
                    return "PONG".equals(command(port, "PING"));
                });
            }
            createCluster();
            for (int port : ports) {
                // every node sees the slots covered and the three masters connected (none still in handshake)
                await().atMost(READY).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                        .until(() -> command(port, "CLUSTER", "INFO").contains("cluster_state:ok")
                                && command(port, "CLUSTER", "NODES").lines()
                                        .filter(line -> line.contains("master") && line.contains(" connected")
                                                && !line.contains("handshake") && !line.contains("noaddr"))
                                        .count() == MASTERS);
            }
        } catch (RuntimeException e) {
            throw new IOException("the Redis Cluster on " + ports + " did not come up: " + logs(), e);
        }
    }

    private void createCluster() throws IOException {
        List<String> command = new ArrayList<>(List.of(CLI.toString(), "--cluster", "create"));
        ports.forEach(port -> command.add("127.0.0.1:" + port));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        if (!password.isEmpty()) {
            command.addAll(List.of("-a", password, "--no-auth-warning"));
        }
        Path output = dir.resolve("create.log");
        Process create = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            if (!create.waitFor(READY.toSeconds(), TimeUnit.SECONDS) || create.exitValue() != 0) {
                create.destroyForcibly();
                throw new IOException("redis-cli --cluster create failed: " + Files.readString(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            create.destroyForcibly();
            throw new IOException("interrupted while creating the cluster", e);
        }
    }

    /** The masters as {@code host:port}, what {@code cluster.redis.cluster_nodes} lists. */
    public List<String> nodes() {
        return ports.stream().map(port -> "127.0.0.1:" + port).toList();
    }

    /** The masters' TLS addresses as {@code host:port}, for a kit made by {@link #startTls}. */
    public List<String> tlsNodes() {
        if (tlsPorts.isEmpty()) {
            throw new IllegalStateException("this cluster has no TLS ports: start it with startTls");
        }
        return tlsPorts.stream().map(port -> "127.0.0.1:" + port).toList();
    }

    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /**
     * Sends one command to the node on {@code port} (authenticated when the cluster has a password) and returns its
     * reply: a simple string or integer without its type prefix, or a bulk string's whole text.
     */
    public String command(int port, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (!password.isEmpty()) {
                send(out, "AUTH", password);
                reply(in);
            }
            send(out, args);
            return reply(in);
        }
    }

    /** Kills every connection of these client types (e.g. "normal", "pubsub") on every node: a network blip. */
    public void killClients(String... types) throws IOException {
        for (int port : ports) {
            for (String type : types) {
                command(port, "CLIENT", "KILL", "TYPE", type);
            }
        }
    }

    private static void send(OutputStream out, String... args) throws IOException {
        StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String reply(InputStream in) throws IOException {
        String line = line(in);
        if (line.startsWith("$") && !line.equals("$-1")) {
            byte[] body = in.readNBytes(Integer.parseInt(line.substring(1)) + 2);
            return new String(body, 0, body.length - 2, StandardCharsets.UTF_8);
        }
        return line.isEmpty() ? "" : line.substring(1);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private String logs() {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                text.append('\n').append(file.getFileName()).append(":\n").append(Files.readString(file));
            }
        } catch (IOException e) {
            text.append(" (logs unreadable: ").append(e).append(')');
        }
        return text.toString();
    }

    private void stopQuietly() {
        try {
            close();
        } catch (IOException e) {
            // a kit that failed to start: its directory may stay behind in the temporary directory
        }
    }

    /** Stops every node ({@code SHUTDOWN NOSAVE}, then forcibly) and deletes the directory. */
    @Override
    public void close() throws IOException {
        for (int i = 0; i < processes.size(); i++) {
            Process process = processes.get(i);
            if (process.isAlive()) {
                try {
                    command(ports.get(i), "SHUTDOWN", "NOSAVE");
                } catch (IOException e) {
                    // it closes the connection without a reply
                }
            }
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
