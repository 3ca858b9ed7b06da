package dev.magpie.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the writer thread tells {@code /ready} ({@link BatchingWriter#problem()}): failing writes, and recovery. */
class BatchingWriterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Connection connection;
    private BatchingWriter writer;

    private BatchingWriter open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:sqlite::memory:");
        try (var s = connection.createStatement()) {
            s.execute("CREATE TABLE t (k TEXT PRIMARY KEY)");
        }
        writer = new BatchingWriter(connection, new Object(), "memory", 100);
        return writer;
    }

    @AfterEach
    void close() throws SQLException {
        if (writer != null) {
            writer.close();
        }
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    void aStoreWhoseWritesAllFailHasAProblemUntilAWriteCommitsAgain() throws Exception {
        BatchingWriter w = open();
        AtomicInteger committed = new AtomicInteger();
        assertThat(w.problem()).isEmpty();

        // a table that is gone stands for a broken file: every write fails, alone too
        w.submit(c -> c.createStatement().execute("INSERT INTO gone VALUES ('a')"));
        await().atMost(WAIT).until(() -> w.failedWrites() == 1);
        assertThat(w.problem()).hasValueSatisfying(p -> assertThat(p).contains("writes to memory fail", "gone"));

        w.submit(new BatchingWriter.Write() {
            @Override
            public void apply(Connection c) throws SQLException {
                c.createStatement().execute("INSERT INTO t VALUES ('b')");
            }

            @Override
            public void committed() {
                committed.incrementAndGet();
            }
        });
        await().atMost(WAIT).until(() -> committed.get() == 1);
        assertThat(w.problem()).as("a commit clears it").isEmpty();
    }

    @Test
    void oneBadWriteAmongGoodOnesIsLostAloneAndIsNoProblemOfTheStore() throws Exception {
        BatchingWriter w = open();
        AtomicInteger committed = new AtomicInteger();
        CountDownLatch gateTaken = new CountDownLatch(1);
        CountDownLatch gateOpen = new CountDownLatch(1);
        // the writer is held in a first transaction, so the next three are queued together and share one
        w.submit(c -> {
            gateTaken.countDown();
            try {
                gateOpen.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(gateTaken.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        w.submit(c -> c.createStatement().execute("INSERT INTO t VALUES ('x')"));
        w.submit(c -> c.createStatement().execute("INSERT INTO t VALUES ('x')")); // a duplicate key: fails alone
        w.submit(new BatchingWriter.Write() {
            @Override
            public void apply(Connection c) throws SQLException {
                c.createStatement().execute("INSERT INTO t VALUES ('y')");
            }

            @Override
            public void committed() {
                committed.incrementAndGet();
            }
        });
        gateOpen.countDown();

        await().atMost(WAIT).until(() -> committed.get() == 1);
        assertThat(w.failedWrites()).isEqualTo(1);
        assertThat(w.problem()).isEmpty();
    }

    @Test
    void aClosedWriterIsNoProblem() throws Exception {
        BatchingWriter w = open();
        w.close();
        assertThat(w.problem()).isEmpty();
    }
}
