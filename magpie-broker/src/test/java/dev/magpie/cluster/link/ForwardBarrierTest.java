package dev.magpie.cluster.link;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When an acknowledgement may go: after the copies for other nodes queued before it are in the store [MQTT-4.3.2-1]. */
class ForwardBarrierTest {
    private final ForwardBarrier barrier = new ForwardBarrier();
    private final List<String> ran = new ArrayList<>();

    @Test
    void withNothingQueuedTheAcknowledgementGoesAtOnce() {
        barrier.after(() -> ran.add("ack"));
        assertThat(ran).containsExactly("ack");
    }

    @Test
    void anAcknowledgementWaitsForEveryDestinationItsMessageWasQueuedFor() {
        barrier.queued("b", 1);
        barrier.queued("c", 1);
        barrier.after(() -> ran.add("ack"));
        barrier.settled("b", 1);
        assertThat(ran).as("c has not stored its copy yet").isEmpty();
        barrier.settled("c", 1);
        assertThat(ran).containsExactly("ack");
    }

    @Test
    void messagesQueuedAfterTheAcknowledgementDoNotHoldItBack() {
        barrier.queued("b", 1);
        barrier.after(() -> ran.add("ack"));
        barrier.queued("b", 5);
        barrier.settled("b", 1);
        assertThat(ran).containsExactly("ack");
        assertThat(barrier.waiting()).isZero();
    }

    // [MQTT-4.6.0-2]: PUBACKs go in the order of their PUBLISHes, also when the later one had nothing to wait for
    @Test
    void aLaterAcknowledgementNeverOvertakesAnEarlierOne() {
        barrier.queued("b", 1);
        barrier.after(() -> ran.add("first"));
        barrier.after(() -> ran.add("second"));    // nothing new queued for it: still behind the first
        assertThat(ran).isEmpty();
        barrier.settled("b", 1);
        assertThat(ran).containsExactly("first", "second");
    }

    @Test
    void aDestinationGivenUpSettlesTooAndStoppingReleasesEveryWaiter() {
        barrier.queued("b", 2);
        barrier.after(() -> ran.add("one"));
        barrier.queued("c", 1);
        barrier.after(() -> ran.add("two"));
        barrier.settled("b", 2);                    // stored or dropped after the last attempt: either way settled
        assertThat(ran).containsExactly("one");
        barrier.releaseAll();
        assertThat(ran).containsExactly("one", "two");
        assertThat(barrier.waiting()).isZero();
    }

    @Test
    void whileTheStoreFailsNothingWaitsAndOnceBackAcknowledgementsWaitAgain() {
        barrier.queued("b", 1);
        barrier.after(() -> ran.add("held"));
        barrier.storeFailing();                     // a send timed out: the outage policy serves local clients
        assertThat(ran).containsExactly("held");
        barrier.queued("b", 1);
        barrier.after(() -> ran.add("during"));
        assertThat(ran).containsExactly("held", "during");
        barrier.storeBack();
        barrier.queued("b", 1);
        barrier.after(() -> ran.add("after"));
        assertThat(ran).as("waits again for the store").containsExactly("held", "during");
        barrier.settled("b", 3);
        assertThat(ran).containsExactly("held", "during", "after");
    }
}
