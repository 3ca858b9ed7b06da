package dev.magpie.server.hostile;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.ReasonCode;
import dev.magpie.server.cli.ServeProcess;
import dev.magpie.store.UserStore;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, must-fix 2, against {@code magpie serve} as a process with its shipped defaults (the user database,
 * PBKDF2 at the default cost): wrong-password CONNECTs for a known user from 127.0.0.2, 200 a second (twenty
 * times the rate that kept both cores at 198 % and got a good user refused with 0x86 after 5 s), while another user
 * logs in from 127.0.0.1. Every good login must be answered Success within a second, the flooder must get no more
 * "bad user name or password" answers than its free failures plus the checks already queued, and otherwise 0x03
 * Server unavailable (decoded as 0x88). The broker's CPU during the flood is read from /proc and reported.
 */
class WrongPasswordFloodProcessTest {
    private static final int RATE = 200;
    private static final int THREADS = 4;
    private static final int FREE_FAILURES = 5;
    private static final int PER_ADDRESS = 4;

    @TempDir
    Path dir;
    private ServeProcess broker;
    private final ExecutorService flooders = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void stop() throws InterruptedException {
        flooders.shutdownNow();
        flooders.awaitTermination(10, TimeUnit.SECONDS);
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aWrongPasswordFloodLocksNoOtherUserOutOfTheBrokerProcess() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        try (UserStore users = UserStore.open(data)) { // what `magpie user add` does, with the new default cost
            users.add("alice", "alice-secret".toCharArray());
            users.add("bob", "bob-secret".toCharArray());
        }
        // a long first backoff keeps the flooder in it for the whole run, so what it is told is deterministic;
        // set through the environment, as a container would
        // the JVM's own JIT, as bin/magpie runs it (the harness's fast-start C1-only mode hashes several times slower)
        broker = ServeProcess.startFromClasspath(List.of(), Map.of("MAGPIE_SECURITY_LOGIN_BACKOFF", "30s"), line -> { },
                "--data-dir", data.toString(), "--port", "0");
        int port = broker.awaitPort("tcp");
        List<Long> quiet = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            quiet.add(login(port, "127.0.0.1", "bob", "bob-secret")); // before the flood: warm-up and baseline
        }

        long cpuBefore = cpuTicks(broker.pid());
        long wallBefore = System.nanoTime();
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
        for (int t = 0; t < THREADS; t++) {
            boolean reads = t % 2 == 0; // the others fire and forget
            flooders.submit(() -> {
                long next = System.nanoTime();
                while (flooding.get() && !Thread.currentThread().isInterrupted()) {
                    next += 1_000_000_000L * THREADS / RATE; // pacing the flood's shape, not synchronising
                    LockSupport.parkNanos(next - System.nanoTime());
                    int n = sent.incrementAndGet();
                    try (RawMqttClient c = RawMqttClient.connectFrom("127.0.0.2", "127.0.0.1", port)) {
                        c.send(connect("flood-" + n, "alice", "guess-" + n));
                        if (reads) {
                            int code = c.receive(ConnAck.class, Duration.ofSeconds(5)).reasonCode();
                            answers.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
                        }
                    } catch (RuntimeException | AssertionError e) {
                        answers.computeIfAbsent(-1, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            });
        }
        List<Long> good = new ArrayList<>();
        long nextGood = System.nanoTime();
        while (good.size() < 20 || System.nanoTime() - wallBefore < Duration.ofSeconds(6).toNanos()) {
            nextGood += 200_000_000L; // five good logins a second, so the CPU figure is mostly the flood's
            LockSupport.parkNanos(nextGood - System.nanoTime());
            good.add(login(port, "127.0.0.1", "bob", "bob-secret")); // at least 6 s: the good user was refused after 5 s
        }
        long alice = login(port, "127.0.0.1", "alice", "alice-secret"); // the attacked user, from her clean address
        flooding.set(false);
        flooders.shutdown();
        assertThat(flooders.awaitTermination(15, TimeUnit.SECONDS)).isTrue();
        double cpuPercent = 100.0 * (cpuTicks(broker.pid()) - cpuBefore) / 100.0 / ((System.nanoTime() - wallBefore) / 1e9);

        List<Long> sorted = new ArrayList<>(good);
        Collections.sort(sorted);
        System.out.println("process flood: bob's logins before the flood (ms): " + quiet);
        System.out.printf("process flood: %d wrong-password CONNECTs from 127.0.0.2 in %.1f s, answers %s; broker CPU %.0f %%;"
                        + " %d logins of bob from 127.0.0.1: median %d ms, 90th %d ms, max %d ms; alice %d ms%n",
                sent.get(), (System.nanoTime() - wallBefore) / 1e9, answers, cpuPercent, good.size(), sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() * 9 / 10), sorted.get(sorted.size() - 1), alice);
        assertThat(sorted.get(sorted.size() - 1)).as("slowest good login (ms)").isLessThan(1_000);
        assertThat(alice).isLessThan(1_000);
        assertThat(sent.get()).isGreaterThan(100);
        assertThat(answers.keySet()).isSubsetOf(ReasonCode.BAD_USER_NAME_OR_PASSWORD, ReasonCode.SERVER_UNAVAILABLE, -1);
        assertThat(answers.getOrDefault(ReasonCode.BAD_USER_NAME_OR_PASSWORD, new AtomicInteger()).get())
                .isLessThanOrEqualTo(FREE_FAILURES + PER_ADDRESS);
        assertThat(answers.get(ReasonCode.SERVER_UNAVAILABLE).get()).isGreaterThan(10);
        assertThat(broker.isAlive()).isTrue();
        // the log must not become the attack: the checked failures, then at most a line a second per kind of refusal
        long floodLines = broker.lines().stream().filter(l -> l.contains("127.0.0.2")).count();
        long seconds = Math.max(1, (System.nanoTime() - wallBefore) / 1_000_000_000L);
        System.out.printf("process flood: %d broker log lines about the flooder in %d s%n", floodLines, seconds);
        assertThat(floodLines).isLessThanOrEqualTo(FREE_FAILURES + PER_ADDRESS + 3 * (seconds + 1));
    }

    /** Logs in (3.1.1) and returns the milliseconds to a Success CONNACK; fails on any other answer. */
    private static long login(int port, String from, String user, String password) {
        try (RawMqttClient c = RawMqttClient.connectFrom(from, "127.0.0.1", port)) {
            long start = System.nanoTime();
            c.send(connect("good-" + user, user, password));
            assertThat(c.receive(ConnAck.class, Duration.ofSeconds(5)).reasonCode()).as("CONNACK of " + user).isEqualTo(ReasonCode.SUCCESS);
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    private static Connect connect(String clientId, String user, String password) {
        return new Connect(MqttVersion.V3_1_1, clientId, true, 60, user, password.getBytes(StandardCharsets.UTF_8), null, MqttProperties.EMPTY);
    }

    /** utime + stime of a process in clock ticks (100 a second on Linux), from /proc/PID/stat. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
