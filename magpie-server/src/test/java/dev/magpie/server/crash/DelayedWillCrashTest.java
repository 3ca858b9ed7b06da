package dev.magpie.server.crash;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A delayed will across a crash: an MQTT 5 client with a Will Delay Interval (default 3 s) and a Session Expiry
 * Interval longer than that loses its connection abnormally (socket closed, no DISCONNECT) shortly before the
 * broker is SIGKILLed. The will is owed exactly once, when the delay has passed [MQTT-3.1.3-9] (the session
 * outlives the delay, so it is the delay that ends), or at the restart if the broker was down at that time.
 * Odd rounds relaunch at once (the will falls due after the restart); even rounds relaunch only after the due
 * time (it fell due while the broker was down).
 *
 * <p>Separate from {@link CrashRecoveryTest} so that its rounds can be timed around the will's due time:
 * {@code -Dmagpie.crash.willRounds=N} sets the rounds (default 2), {@code -Dmagpie.crash.cycles=0} runs the same
 * rounds without a kill (the harness's sanity check: then the wills must come).
 */
class DelayedWillCrashTest {

    private static final java.util.logging.Logger PAHO = java.util.logging.Logger.getLogger("org.eclipse.paho");

    static {
        PAHO.setLevel(java.util.logging.Level.OFF);
    }

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private record Round(int n, long droppedAt, long dueAt, long acceptingAt) {
    }

    @Test
    void theDelayedWillOfAClientDroppedBeforeACrashIsPublishedOnceAfterTheRestart() throws Exception {
        CrashSettings settings = CrashSettings.fromSystemProperties();
        int rounds = Integer.getInteger("magpie.crash.willRounds", 2);
        Random random = new Random(settings.seed());
        Timeline timeline = new Timeline();
        long delay = Math.max(1, settings.willDelay().toSeconds());
        List<Round> done = new ArrayList<>();
        try (CrashingBroker broker = new CrashingBroker(dir, settings, timeline)) {
            broker.launch();
            String uri = "tcp://127.0.0.1:" + broker.awaitAccepting();
            RecordingSubscriber watcher = new RecordingSubscriber("will-watch", timeline, events -> v5(uri, "crash-will-watch", 3600, events));
            try (watcher) {
                watcher.start(Map.of("magpie/will/#", 2));
                await().atMost(Duration.ofSeconds(20)).until(watcher::ready);
                for (int n = 1; n <= rounds; n++) {
                    PahoV5Link client = v5(uri, "crash-will-" + n, delay * 20, new MqttLink.Events() { })
                            .withWill("magpie/will/" + n, ("will:" + n).getBytes(StandardCharsets.US_ASCII), 2, delay);
                    client.connect(Duration.ofSeconds(5));
                    broker.mark("will client " + n + " connected (Will Delay Interval " + delay + " s, session expiry " + delay * 20 + " s)");
                    client.dropWithoutDisconnect(); // no DISCONNECT: the will is due in `delay` seconds
                    long droppedAt = timeline.now();
                    long dueAt = droppedAt + delay * 1000;
                    broker.mark("will client " + n + " dropped its socket without DISCONNECT; will due at t=" + dueAt + "ms");
                    pause(settings.between(random, Duration.ofMillis(100), Duration.ofMillis(Math.min(800, delay * 500))));
                    if (settings.cycles() > 0) { // cycles=0: the sanity mode, the same rounds without a crash
                        broker.kill("will round " + n);
                        if (n % 2 == 0) {
                            pause(Duration.ofMillis(Math.max(0, dueAt + 500 - timeline.now()))); // down at the due time
                        }
                        broker.launch();
                        broker.awaitAccepting();
                    }
                    done.add(new Round(n, droppedAt, dueAt, timeline.now()));
                    client.close();
                }
                for (Round r : done) {
                    long bound = Math.max(r.dueAt(), r.acceptingAt()) + settings.liveWithin().toMillis() - timeline.now();
                    try {
                        await().atMost(Duration.ofMillis(Math.max(1, bound))).until(() -> watcher.count("will", r.n()) > 0);
                    } catch (ConditionTimeoutException e) {
                        // counted below as a lost will
                    }
                }
                int seen = watcher.deliveries();
                try {
                    // exactly once: nothing more arrives for a while after the first copies
                    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> watcher.deliveries() == seen);
                } catch (ConditionTimeoutException e) {
                    // more arrived: the counts below show it
                }
                List<String> failures = new ArrayList<>();
                StringBuilder figures = new StringBuilder("delayed wills (" + settings.describe() + ", delay " + delay + " s):\n");
                for (Round r : done) {
                    int count = watcher.count("will", r.n());
                    long at = watcher.firstArrival("will", r.n());
                    figures.append(String.format("  round %d: dropped t=%d, due t=%d, restarted t=%d, received %d time(s)%s%n", r.n(),
                            r.droppedAt(), r.dueAt(), r.acceptingAt(), count, at < 0 ? "" : ", first at t=" + at));
                    if (count == 0) {
                        failures.add("round " + r.n() + ": the delayed will was never published (" + (r.dueAt() < r.acceptingAt()
                                ? "due while the broker was down" : "due after the restart") + ")");
                    } else if (count > 1) {
                        failures.add("round " + r.n() + ": the will was published " + count + " times");
                    } else if (at < r.dueAt() - 200) {
                        failures.add("round " + r.n() + ": the will came " + (r.dueAt() - at) + " ms before its delay had passed");
                    }
                }
                System.out.println(figures);
                assertThat(failures).as("%s%nlast broker log lines (%s):%n%s", figures, broker.logFile(), broker.tail(40)).isEmpty();
            }
        }
    }

    private static PahoV5Link v5(String uri, String clientId, long expiry, MqttLink.Events events) {
        try {
            return new PahoV5Link(uri, clientId, expiry, events);
        } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The experiment's pacing (when to kill, when to relaunch), not synchronisation. */
    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
