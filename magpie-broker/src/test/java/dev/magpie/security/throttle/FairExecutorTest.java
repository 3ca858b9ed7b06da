package dev.magpie.security.throttle;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The password-check executor is fair between addresses and bounded (issue 10: one flooder starved every login). */
class FairExecutorTest {
    private FairExecutor executor;

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aGoodAddressWaitsForOneFloodTaskNotForTheWholeFlood() throws Exception {
        executor = new FairExecutor(1, 100, 100, Thread::new);
        CountDownLatch gate = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        FairExecutor.Lane blocker = executor.open("flood").orElseThrow();
        blocker.execute(() -> hold(gate));
        for (int i = 0; i < 20; i++) {
            FairExecutor.Lane lane = executor.open("flood").orElseThrow();
            lane.execute(() -> order.add("flood"));
        }
        FairExecutor.Lane good = executor.open("good").orElseThrow();
        good.execute(() -> order.add("good"));
        gate.countDown();
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> order.size() == 21);
        assertThat(order.indexOf("good")).as("round-robin: the good key's first task runs after at most one flood task").isLessThanOrEqualTo(1);
    }

    @Test
    void oneAddressNeverHoldsTwoThreadsSoTheOtherStaysFreeForEverybodyElse() throws Exception {
        executor = new FairExecutor(2, 100, 100, Thread::new);
        CountDownLatch gate = new CountDownLatch(1);
        for (int i = 0; i < 4; i++) {
            executor.open("flood").orElseThrow().execute(() -> hold(gate)); // each would block a thread
        }
        CountDownLatch good = new CountDownLatch(1);
        executor.open("good").orElseThrow().execute(good::countDown);
        assertThat(good.await(5, TimeUnit.SECONDS)).as("ran while the flood's first task still blocks").isTrue();
        gate.countDown();
    }

    @Test
    void anAddressGetsAtMostItsShareOfPendingChecks() {
        executor = new FairExecutor(1, 100, 2, Thread::new);
        assertThat(executor.open("a")).isPresent();
        Optional<FairExecutor.Lane> second = executor.open("a");
        assertThat(second).isPresent();
        assertThat(executor.open("a")).as("third pending check of one address is shed").isEmpty();
        assertThat(executor.open("b")).as("another address still gets in").isPresent();
        second.get().close();
        assertThat(executor.open("a")).as("a finished check frees its place").isPresent();
    }

    @Test
    void theWholeQueueIsBounded() {
        executor = new FairExecutor(1, 3, 3, Thread::new);
        for (int i = 0; i < 3; i++) {
            assertThat(executor.open("k" + i)).isPresent();
        }
        assertThat(executor.open("k9")).isEmpty();
        assertThat(executor.pending()).isEqualTo(3);
    }

    @Test
    void closingALaneDropsItsQueuedStepsAndFreesItsPlaceWhenTheRunningOneEnds() throws Exception {
        executor = new FairExecutor(1, 10, 10, Thread::new);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        FairExecutor.Lane busy = executor.open("a").orElseThrow();
        busy.execute(() -> {
            started.countDown();
            hold(gate);
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        FairExecutor.Lane timedOut = executor.open("b").orElseThrow();
        timedOut.execute(() -> ran.add("never")); // queued behind the busy step
        timedOut.close();
        busy.close(); // closed while its step runs: the place is held until the step ends
        assertThat(executor.pending()).isEqualTo(1);
        gate.countDown();
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> executor.pending() == 0);
        assertThat(ran).isEmpty();
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
