package dev.magpie.store;

import dev.magpie.Broker;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The frame of the restart tests: brokers started one after another on the same data directory, and every
 * broker and client a test opened closed afterwards, last opened first.
 */
abstract class BrokerRestartTest {
    @TempDir
    Path dir;

    final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** Starts {@code builder}'s broker, stopped after the test. */
    Broker start(Broker.Builder builder) {
        Broker broker = builder.build().start();
        opened.add(broker::stop);
        return broker;
    }

    /** An anonymous broker persisting to the test's data directory. */
    Broker startOnDir() {
        return start(TestBrokers.anonymous().dataDirectory(dir));
    }
}
