package dev.magpie.server.crash;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9: {@code magpie serve --data-dir D} as a real process, SIGKILLed at random moments (also while it is
 * still starting and recovering) and relaunched on the same data directory, with persistent 3.1.1 and 5.0
 * clients publishing and subscribing across the crashes. What it must keep, whatever the moment of the kill:
 * every acknowledged QoS 1/2 message, QoS 2 exactly once, QoS 1 redeliveries within the in-flight windows, no
 * client refused or stalled after a restart, the latest acknowledged retained message, subscriptions made
 * between crashes, a {@code $share} group's messages. See {@link Verdict} for each rule.
 *
 * <p>Short by default (4 kills, well under two minutes); {@code -Dmagpie.crash.cycles=100} for a long run,
 * {@code -Dmagpie.crash.cycles=0} for the sanity mode that proves the harness on a run without a kill, and the
 * other {@code magpie.crash.*} properties in {@link CrashSettings}. The figures are printed on every run; on
 * failure the message ends with the broker's last log lines, and the run's directory (data, broker.log) is kept.
 */
class CrashRecoveryTest {

    private static final int LOG_LINES = 60;
    /**
     * Held: java.util.logging keeps loggers weakly. Paho logs every QoS 2 PUBCOMP at INFO and every connection
     * the broker's death resets as SEVERE; the harness sees all of it through Paho's callbacks.
     */
    private static final java.util.logging.Logger PAHO = java.util.logging.Logger.getLogger("org.eclipse.paho");

    static {
        PAHO.setLevel(java.util.logging.Level.OFF);
    }

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void acknowledgedMessagesSessionsAndRetainedStateSurviveSigkillsAndNoClientStalls() throws Exception {
        CrashSettings settings = CrashSettings.fromSystemProperties();
        Random random = new Random(settings.seed());
        Timeline timeline = new Timeline();
        Verdict verdict = new Verdict(timeline);
        try (CrashingBroker broker = new CrashingBroker(dir, settings, timeline)) {
            broker.launch();
            String uri = "tcp://127.0.0.1:" + broker.awaitAccepting();
            String header = "crash run: " + settings.describe() + "\n  broker: " + broker.launchMode()
                    + "\n  directory: " + dir + " (log: " + broker.logFile() + ")";
            System.out.println(header);
            try (Workload workload = new Workload(uri, settings, timeline)) {
                workload.start();
                awaitLive(workload, workload.mark(), settings.liveWithin(), broker, timeline, "warm-up");
                int kills = 0;
                int[] kinds = new int[3]; // under load, during a graceful stop, during start-up or recovery
                int rounds = 0;
                boolean up = true;
                while (up && (kills < settings.cycles() || rounds == 0)) {
                    rounds++;
                    if (rounds == 2 || (rounds == 1 && settings.cycles() <= 1)) {
                        workload.subscribeLate(); // mid-run: after the first restart when there is one
                        broker.mark("sub-v5 subscribed to " + Workload.LATE_STREAM + " (SUBACK received)");
                    }
                    Duration running = settings.between(random, settings.runMin(), settings.runMax());
                    runFor(running);
                    if (kills == settings.cycles()) {
                        break; // sanity mode: the same workload, no kill
                    }
                    if (random.nextInt(4) == 0) {
                        // a kill during the graceful stop: SIGTERM, then SIGKILL while the shutdown runs (or after it)
                        broker.terminate("stop under load after " + running.toMillis() + " ms");
                        runFor(settings.between(random, Duration.ZERO, Duration.ofMillis(400)));
                        broker.kill("kill " + (++kills) + " of " + settings.cycles() + ", during shutdown");
                        kinds[1]++;
                    } else {
                        kinds[0]++;
                        broker.kill("kill " + (++kills) + " of " + settings.cycles() + ", under load after " + running.toMillis() + " ms");
                    }
                    broker.launch();
                    while (kills < settings.cycles() && settings.startupKill(kills + 1, random)) {
                        // a kill during start-up or recovery, before or after the listener is up
                        runFor(settings.between(random, Duration.ZERO, settings.startupKillMax()));
                        broker.kill("kill " + (++kills) + " of " + settings.cycles() + ", during start-up/recovery");
                        kinds[2]++;
                        broker.launch();
                    }
                    try {
                        broker.awaitAccepting();
                    } catch (AssertionError | ConditionTimeoutException notBack) {
                        // e.g. a store the crash left unreadable: the broker's verdict, reported with the rest
                        verdict.fail("the broker did not come back after kill " + kills + ": "
                                + notBack.getMessage().lines().findFirst().orElse(""));
                        up = false;
                        break;
                    }
                    awaitLive(workload, workload.mark(), settings.liveWithin(), broker, timeline, "restart after kill " + kills);
                }
                if (up) {
                    finish(workload, settings, broker);
                    verdict.retained(workload.retained, workload.readRetained());
                }
                verdict.line("kills: " + kinds[0] + " under load, " + kinds[1] + " during a graceful stop, " + kinds[2]
                        + " during start-up or recovery");
                verdict.publishers(workload.publishers());
                verdict.deliveries(workload.expectations());
                verdict.redeliveries(workload.subscribers(), workload.qos1Streams(), settings.window());
            }
            verdict.incidents();
            verdict.brokerLog(broker);
            String report = verdict.report(header + "\n  kills at (ms): " + timeline.killTimes());
            System.out.println(report);
            assertThat(verdict.failures())
                    .as("%s%nlast %d broker log lines (%s):%n%s", report, LOG_LINES, broker.logFile(), broker.tail(LOG_LINES))
                    .isEmpty();
        }
    }

    /**
     * The experiment itself, not synchronisation: the broker runs (under load, or still starting) for a random
     * time before the next SIGKILL.
     */
    private static void runFor(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    /**
     * The end of the run: a last stretch of traffic, then no new messages; what Paho still has in flight is
     * resent until acknowledged, and the subscribers get {@code drainWithin} to receive all they are owed.
     * Neither wait fails the test by itself: what is still missing afterwards is the verdict.
     */
    private static void finish(Workload workload, CrashSettings settings, CrashingBroker broker) throws InterruptedException {
        runFor(settings.runMin());
        workload.stopPublishing();
        broker.mark("publishers stopped; settling and draining");
        try {
            await("publishers' in-flight messages settled").atMost(Duration.ofSeconds(15)).until(workload::settled);
        } catch (ConditionTimeoutException e) {
            broker.mark("not all in-flight messages settled within 15 s");
        }
        try {
            await("every acknowledged message delivered").atMost(settings.drainWithin()).pollInterval(Duration.ofMillis(100))
                    .until(workload::allDelivered);
        } catch (ConditionTimeoutException e) {
            broker.mark("drain incomplete after " + settings.drainWithin().toMillis() + " ms");
        }
    }

    /**
     * After a (re)start every client must move again within {@code bound} of the listener being up: each
     * publisher gets a message published after that moment acknowledged, each subscriber receives one. Who does
     * not is reported as a stall; the run goes on (a stall that lasts shows again after the next restart).
     */
    private static void awaitLive(Workload workload, Map<StreamPublisher, Integer> mark, Duration bound,
                                  CrashingBroker broker, Timeline timeline, String when) {
        try {
            await(when).atMost(bound).pollInterval(Duration.ofMillis(50))
                    .until(() -> workload.notMovedSince(mark).isEmpty());
        } catch (ConditionTimeoutException e) {
            List<String> stuck = workload.notMovedSince(mark);
            broker.mark("stalled " + bound.toMillis() + " ms after " + when + ": " + stuck);
            stuck.forEach(s -> timeline.incident(Timeline.Kind.STALL, s.split(" ")[1],
                    "nothing within " + bound.toMillis() + " ms after " + when + ": " + s));
        }
    }
}
