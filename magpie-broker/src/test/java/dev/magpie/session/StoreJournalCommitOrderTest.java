package dev.magpie.session;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import dev.magpie.store.MessageStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With durable acknowledgements a session's PUBLISHes wait for their commits, and go out in the order the messages came
 * [MQTT-4.6.0-6] even when the store answers a later commit first (on a cluster node, a commit also waits for the
 * session's copy, which may have been written already for the later one while the earlier answer is on its way).
 */
class StoreJournalCommitOrderTest {

    /** An in-memory store whose commit answers the test gives by hand, in any order. */
    private static MessageStore answeredByHand(List<Runnable> answers) {
        MessageStore memory = MessageStore.inMemory();
        return (MessageStore) Proxy.newProxyInstance(MessageStore.class.getClassLoader(), new Class<?>[] {MessageStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("afterCommit")) {
                        answers.add((Runnable) args[0]);
                        return null;
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void callbacksRunInTheOrderAskedWhicheverCommitIsAnsweredFirst() {
        List<Runnable> answers = new ArrayList<>();
        StoreJournal journal = new StoreJournal(answeredByHand(answers), "c", true, Runnable::run);
        List<String> sent = new ArrayList<>();
        journal.afterCommit(() -> sent.add("m1"));
        journal.afterCommit(() -> sent.add("m2"));
        journal.afterCommit(() -> sent.add("m3"));

        answers.get(1).run(); // the store answers m2's commit first
        assertThat(sent).as("m2 waits for m1").isEmpty();
        answers.get(0).run();
        assertThat(sent).containsExactly("m1", "m2");
        answers.get(2).run();
        assertThat(sent).containsExactly("m1", "m2", "m3");
    }

    @Test
    void aCallbackAskingForAnotherKeepsTheOrder() {
        List<Runnable> answers = new ArrayList<>();
        StoreJournal journal = new StoreJournal(answeredByHand(answers), "c", true, Runnable::run);
        List<String> sent = new ArrayList<>();
        journal.afterCommit(() -> {
            sent.add("PUBREC state");
            journal.afterCommit(() -> sent.add("PUBREL")); // asked from within a callback, as a state change does
        });
        journal.afterCommit(() -> sent.add("next PUBLISH"));
        answers.get(0).run();
        answers.get(1).run();
        assertThat(sent).containsExactly("PUBREC state", "next PUBLISH");
        answers.get(2).run();
        assertThat(sent).containsExactly("PUBREC state", "next PUBLISH", "PUBREL");
    }

    @Test
    void withoutDurableAcknowledgementsNothingWaits() {
        List<Runnable> answers = new ArrayList<>();
        StoreJournal journal = new StoreJournal(answeredByHand(answers), "c", false, Runnable::run);
        List<String> sent = new ArrayList<>();
        journal.afterCommit(() -> sent.add("m1"));
        assertThat(sent).containsExactly("m1");
        assertThat(answers).isEmpty();
    }
}
