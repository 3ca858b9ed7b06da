package dev.magpie.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SQLite message store on real files: what a reopened file holds, batching, and files it must refuse. */
class SqliteMessageStoreTest {
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private SqliteMessageStore open() {
        SqliteMessageStore store = SqliteMessageStore.open(dir, SyncMode.NORMAL, 1_000);
        opened.add(store);
        return store;
    }

    private static StoredMessage message(String topic, String text, long expiresAt) {
        return new StoredMessage(topic, 1, text.getBytes(StandardCharsets.UTF_8), new byte[]{3, 3, 0, 1, 'x'}, NOW, expiresAt);
    }

    @Test
    void aRetainedMessageIsFoundAfterReopeningWithEveryField() {
        SqliteMessageStore store = open();
        store.putRetained(message("a/b", "hello", NOW + 60_000));
        store.putRetained(new StoredMessage("never", 2, new byte[]{1}, new byte[]{0}, NOW, -1));
        store.close();

        List<StoredMessage> loaded = open().loadRetained(NOW);

        assertThat(loaded).hasSize(2);
        StoredMessage m = loaded.stream().filter(x -> x.topic().equals("a/b")).findFirst().orElseThrow();
        assertThat(m.qos()).isEqualTo(1);
        assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(m.properties()).containsExactly(3, 3, 0, 1, 'x');
        assertThat(m.storedAtMillis()).isEqualTo(NOW);
        assertThat(m.expiresAtMillis()).isEqualTo(NOW + 60_000);
        StoredMessage never = loaded.stream().filter(x -> x.topic().equals("never")).findFirst().orElseThrow();
        assertThat(never.expiresAtMillis()).isEqualTo(-1);
        assertThat(never.qos()).isEqualTo(2);
    }

    @Test
    void aReplacementAndAClearAreAppliedInOrder() {
        SqliteMessageStore store = open();
        store.putRetained(message("t", "first", -1));
        store.putRetained(message("t", "second", -1));
        store.putRetained(message("gone", "x", -1));
        store.removeRetained("gone");
        store.close();

        List<StoredMessage> loaded = open().loadRetained(NOW);

        assertThat(loaded).extracting(StoredMessage::topic).containsExactly("t");
        assertThat(new String(loaded.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("second");
    }

    @Test
    void anExpiredMessageIsNotLoadedAndIsDeleted_MQTT_3_3_2_5() {
        SqliteMessageStore store = open();
        store.putRetained(message("old", "x", NOW - 1));
        store.putRetained(message("live", "y", NOW + 1));
        store.close();

        SqliteMessageStore reopened = open();
        assertThat(reopened.loadRetained(NOW)).extracting(StoredMessage::topic).containsExactly("live");
        reopened.close();
        assertThat(open().loadRetained(NOW - 10)).extracting(StoredMessage::topic).containsExactly("live");
    }

    @Test
    void aBurstOfWritesIsAllAppliedByClose() {
        SqliteMessageStore store = SqliteMessageStore.open(dir, SyncMode.NORMAL, 20_000);
        opened.add(store);
        for (int i = 0; i < 5_000; i++) {
            store.putRetained(message("burst/" + i, "m", -1));
        }
        store.close();

        assertThat(open().loadRetained(NOW)).hasSize(5_000);
    }

    @Test
    void theWriterGroupsQueuedWritesIntoOneCommit() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"))) {
            c.createStatement().execute("CREATE TABLE t (v INTEGER)");
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            BatchingWriter writer = new BatchingWriter(c, new Object(), "w.db", 100);
            writer.submit(conn -> {
                running.countDown();
                awaitLatch(release);
            });
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 50; i++) {
                int v = i;
                writer.submit(conn -> conn.createStatement().execute("INSERT INTO t VALUES (" + v + ")"));
            }
            release.countDown();
            writer.close();

            assertThat(writer.commits()).as("the blocked write, then the 50 queued behind it in one").isEqualTo(2);
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(50);
            }
        }
    }

    @Test
    void aFullQueueRefusesAndCountsInsteadOfBlocking() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("q.db"))) {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            BatchingWriter writer = new BatchingWriter(c, new Object(), "q.db", 1);
            writer.submit(conn -> {
                running.countDown();
                awaitLatch(release);
            });
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(writer.submit(conn -> { })).as("fills the queue of one").isTrue();
            long start = System.nanoTime();
            assertThat(writer.submit(conn -> { })).as("refused").isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(writer.droppedWrites()).isEqualTo(1);
            release.countDown();
            writer.close();
            assertThat(writer.queued()).isZero();
        }
    }

    @Test
    void aWriteThatFailsLosesOnlyItself() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("f.db"))) {
            c.createStatement().execute("CREATE TABLE t (v INTEGER)");
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            BatchingWriter writer = new BatchingWriter(c, new Object(), "f.db", 100);
            writer.submit(conn -> {
                running.countDown();
                awaitLatch(release);
            });
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            writer.submit(conn -> conn.createStatement().execute("INSERT INTO t VALUES (1)"));
            writer.submit(conn -> conn.createStatement().execute("INSERT INTO missing VALUES (2)"));
            writer.submit(conn -> conn.createStatement().execute("INSERT INTO t VALUES (3)"));
            release.countDown();
            writer.close();

            assertThat(writer.failedWrites()).isEqualTo(1);
            try (var rs = c.createStatement().executeQuery("SELECT sum(v) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(4);
            }
        }
    }

    @Test
    void theUserDatabaseAndTheMessageStoreShareTheFile() {
        SqliteMessageStore messages = open();
        try (UserStore users = UserStore.open(dir, new dev.magpie.security.password.PasswordHasher(1_000))) {
            users.add("alice", "pw".toCharArray());
            messages.putRetained(message("shared", "x", -1));
            messages.close();
            assertThat(users.list()).extracting(User::name).containsExactly("alice");
        }
        assertThat(open().loadRetained(NOW)).extracting(StoredMessage::topic).containsExactly("shared");
        assertThat(Files.exists(dir.resolve("magpie.db"))).isTrue();
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedWithAHint() throws Exception {
        Files.write(dir.resolve("magpie.db"), "this is not sqlite, just some text long enough to be a header....".repeat(20)
                .getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> open())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(dir.resolve("magpie.db").toString())
                .hasMessageContaining("restore a backup, or move it away");
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsRefused() throws Exception {
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "x");

        assertThatThrownBy(() -> SqliteMessageStore.open(notADirectory, SyncMode.NORMAL, 10))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot create the message store")
                .hasMessageContaining("writable");
    }

    @Test
    void aFileFromANewerMagpieIsRefused() throws Exception {
        open().close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("magpie.db"));
             Statement s = c.createStatement()) {
            s.execute("UPDATE message_schema_version SET version = 99");
        }

        assertThatThrownBy(() -> open())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("newer Magpie");
    }

    @Test
    void theMemoryStoreKeepsWhatItWasGivenAndDropsExpiredOnes() {
        MessageStore store = MessageStore.inMemory();
        store.putRetained(message("a", "1", -1));
        store.putRetained(message("b", "2", NOW - 1));
        store.putRetained(message("c", "3", -1));
        store.removeRetained("c");

        assertThat(store.loadRetained(NOW)).extracting(StoredMessage::topic).containsExactly("a");
    }

    private static StoredSession session(String clientId, long expiresAt) {
        return new StoredSession(clientId, "user", 5, "tcp", 300, expiresAt, List.of());
    }

    @Test
    void aSessionWithItsSubscriptionsIsFoundAfterReopening() {
        SqliteMessageStore store = open();
        store.putSession(session("c1", -1));
        store.putSubscription("c1", new StoredSubscription("a/+", 1, true, true, 2, 7));
        store.putSubscription("c1", new StoredSubscription("$share/g/b", 2, false, false, 0, 0));
        store.putSubscription("c1", new StoredSubscription("a/+", 0, false, true, 1, 8)); // replaces the first
        store.putSession(session("c2", NOW + 10_000));
        store.putSubscription("c2", new StoredSubscription("gone", 0, false, false, 0, 0));
        store.removeSubscription("c2", "gone");
        store.close();

        List<StoredSession> loaded = open().loadSessions(NOW);

        assertThat(loaded).extracting(StoredSession::clientId).containsExactlyInAnyOrder("c1", "c2");
        StoredSession c1 = loaded.stream().filter(x -> x.clientId().equals("c1")).findFirst().orElseThrow();
        assertThat(c1.username()).isEqualTo("user");
        assertThat(c1.protocolLevel()).isEqualTo(5);
        assertThat(c1.expirySeconds()).isEqualTo(300);
        assertThat(c1.expiresAtMillis()).isEqualTo(-1);
        assertThat(c1.subscriptions()).containsExactlyInAnyOrder(
                new StoredSubscription("a/+", 0, false, true, 1, 8),
                new StoredSubscription("$share/g/b", 2, false, false, 0, 0));
        StoredSession c2 = loaded.stream().filter(x -> x.clientId().equals("c2")).findFirst().orElseThrow();
        assertThat(c2.subscriptions()).isEmpty();
        assertThat(c2.expiresAtMillis()).isEqualTo(NOW + 10_000);
    }

    @Test
    void anExpiredOrRemovedSessionIsNotLoaded_MQTT_3_1_2_23() {
        SqliteMessageStore store = open();
        store.putSession(session("expired", NOW - 1));
        store.putSubscription("expired", new StoredSubscription("x", 0, false, false, 0, 0));
        store.putSession(session("removed", -1));
        store.putSubscription("removed", new StoredSubscription("y", 0, false, false, 0, 0));
        store.removeSession("removed");
        store.putSession(session("live", NOW + 1));
        store.close();

        assertThat(open().loadSessions(NOW)).extracting(StoredSession::clientId).containsExactly("live");
    }

    @Test
    void theMemoryStoreKeepsSessionsLikeTheFile() {
        MessageStore store = MessageStore.inMemory();
        store.putSession(session("m", -1));
        store.putSubscription("m", new StoredSubscription("t", 1, false, false, 0, 3));
        store.putSession(session("m", NOW + 5)); // an update keeps the subscriptions
        store.putSession(session("old", NOW - 5));

        List<StoredSession> loaded = store.loadSessions(NOW);

        assertThat(loaded).extracting(StoredSession::clientId).containsExactly("m");
        assertThat(loaded.get(0).subscriptions()).containsExactly(new StoredSubscription("t", 1, false, false, 0, 3));
        assertThat(loaded.get(0).expiresAtMillis()).isEqualTo(NOW + 5);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
