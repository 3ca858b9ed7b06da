package dev.magpie.store;

import dev.magpie.Broker;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
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

    /**
     * A copy of the data directory's database files as they are now, with the broker still running: the state a
     * process killed at this moment leaves on disk (committed transactions are in the write-ahead log).
     */
    Path crashImage() throws IOException {
        Path image = Files.createDirectory(dir.resolve("crash-image-" + opened.size()));
        for (String name : new String[]{"magpie.db", "magpie.db-wal"}) {
            Path file = dir.resolve(name);
            if (Files.exists(file)) {
                Files.copy(file, image.resolve(name));
            }
        }
        return image;
    }

    /** An anonymous broker persisting to the test's data directory. */
    Broker startOnDir() {
        return start(TestBrokers.anonymous().dataDirectory(dir));
    }
}
