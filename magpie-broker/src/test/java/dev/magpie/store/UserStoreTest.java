package dev.magpie.store;

import dev.magpie.security.password.PasswordHasher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserStoreTest {

    /** Low cost keeps the suite fast; the cost travels inside each hash, so nothing else changes. */
    private static final PasswordHasher FAST = new PasswordHasher(1_000);

    @TempDir
    Path dir;

    private final List<UserStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(UserStore::close);
    }

    private UserStore open() {
        UserStore store = UserStore.open(dir, FAST);
        opened.add(store);
        return store;
    }

    private UserStore memory() {
        UserStore store = UserStore.inMemory(FAST);
        opened.add(store);
        return store;
    }

    @Test
    void anAddedUserHasAPbkdf2HashThatVerifiesItsPasswordAndNoPlainText() {
        UserStore store = memory();

        store.add("test", "123456".toCharArray());

        String hash = store.hashOf("test").orElseThrow();
        assertThat(hash).startsWith("$pbkdf2-sha512$i=1000$").doesNotContain("123456");
        assertThat(FAST.verify("123456".toCharArray(), hash)).isTrue();
        assertThat(FAST.verify("1234567".toCharArray(), hash)).isFalse();
    }

    @Test
    void theDefaultHasherUses50000Iterations() {
        try (UserStore store = UserStore.inMemory()) {
            assertThat(store.hasher().iterations()).isEqualTo(50_000);
        }
    }

    @Test
    void addingAnExistingUserFailsAndKeepsTheOldPassword() {
        UserStore store = memory();
        store.add("test", "one".toCharArray());
        String before = store.hashOf("test").orElseThrow();

        assertThatThrownBy(() -> store.add("test", "two".toCharArray()))
                .isInstanceOfSatisfying(UserStoreException.class,
                        e -> assertThat(e.kind()).isEqualTo(UserStoreException.Kind.ALREADY_EXISTS))
                .hasMessageContaining("'test' already exists");
        assertThat(store.hashOf("test")).contains(before);
    }

    @Test
    void setPasswordReplacesTheHashAndUpdatesTheTimestamp() throws Exception {
        UserStore store = memory();
        store.add("test", "one".toCharArray());
        User added = store.list().get(0);
        Thread.sleep(5);

        store.setPassword("test", "two".toCharArray());

        String hash = store.hashOf("test").orElseThrow();
        assertThat(FAST.verify("two".toCharArray(), hash)).isTrue();
        assertThat(FAST.verify("one".toCharArray(), hash)).isFalse();
        User changed = store.list().get(0);
        assertThat(changed.createdAt()).isEqualTo(added.createdAt());
        assertThat(changed.updatedAt()).isAfter(added.updatedAt());
    }

    @Test
    void setPasswordAndRemoveOfAnUnknownUserFailWithNotFound() {
        UserStore store = memory();

        assertThatThrownBy(() -> store.setPassword("ghost", "x".toCharArray()))
                .isInstanceOfSatisfying(UserStoreException.class, e -> assertThat(e.kind()).isEqualTo(UserStoreException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> store.remove("ghost"))
                .isInstanceOfSatisfying(UserStoreException.class, e -> assertThat(e.kind()).isEqualTo(UserStoreException.Kind.NOT_FOUND))
                .hasMessageContaining("no user 'ghost'");
    }

    @Test
    void removeDeletesTheUserAndListIsSortedByName() {
        UserStore store = memory();
        store.add("zoe", "z".toCharArray());
        store.add("alice", "a".toCharArray());
        store.add("test", "t".toCharArray());

        store.remove("zoe");

        assertThat(store.list()).extracting(User::name).containsExactly("alice", "test");
        assertThat(store.hashOf("zoe")).isEmpty();
    }

    @Test
    void namesAreCaseSensitive() {
        UserStore store = memory();
        store.add("Test", "x".toCharArray());

        assertThat(store.hashOf("test")).isEmpty();
        store.add("test", "y".toCharArray());
        assertThat(store.list()).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a+b", "a#", "users/x", "tab\there", "nul\u0000", "del\u007f", "line\nbreak"})
    void invalidNamesAreRefusedWithTheRuleTheyBreak(String name) {
        UserStore store = memory();

        assertThatThrownBy(() -> store.add(name, "x".toCharArray()))
                .isInstanceOfSatisfying(UserStoreException.class, e -> assertThat(e.kind()).isEqualTo(UserStoreException.Kind.INVALID_NAME))
                .hasMessageStartingWith("a user name must");
        assertThat(store.hashOf(name)).isEmpty();
    }

    @Test
    void namesMayBe256CharactersButNotMore() {
        UserStore store = memory();
        String longest = "é".repeat(256);

        store.add(longest, "x".toCharArray());

        assertThat(store.hashOf(longest)).isPresent();
        assertThatThrownBy(() -> store.add(longest + "e", "x".toCharArray()))
                .hasMessageContaining("at most 256 characters, this one has 257");
    }

    @Test
    void spacesAndNonAsciiAreFineInNames() {
        UserStore store = memory();
        store.add("jane doe", "x".toCharArray());
        store.add("用户", "x".toCharArray());

        assertThat(store.list()).extracting(User::name).containsExactlyInAnyOrder("jane doe", "用户");
    }

    @Test
    void anEmptyPasswordIsRefused() {
        UserStore store = memory();

        assertThatThrownBy(() -> store.add("test", new char[0]))
                .isInstanceOfSatisfying(UserStoreException.class, e -> assertThat(e.kind()).isEqualTo(UserStoreException.Kind.INVALID_PASSWORD));
        assertThat(store.list()).isEmpty();
    }

    @Test
    void theFileIsCreatedInTheDataDirInWalModeWithAVersionedSchemaAndOwnerOnlyPermissions() throws Exception {
        Path data = dir.resolve("nested/data");
        try (UserStore store = UserStore.open(data, FAST)) {
            store.add("test", "123456".toCharArray());
        }

        Path file = data.resolve("magpie.db");
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            assertThat(single(s, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(single(s, "SELECT version FROM schema_version")).isEqualTo(String.valueOf(UserStore.SCHEMA_VERSION));
            assertThat(single(s, "SELECT scram_sha256 FROM users")).startsWith("SCRAM-SHA-256$4096:");
            assertThat(single(s, "SELECT name FROM users")).isEqualTo("test");
            assertThat(single(s, "SELECT password_hash FROM users")).startsWith("$pbkdf2-sha512$").doesNotContain("123456");
            assertThat(single(s, "SELECT count(*) FROM users WHERE created_at = updated_at AND created_at LIKE '20%Z'")).isEqualTo("1");
        }
    }

    @Test
    void reopeningKeepsUsersAndDoesNotMigrateAgain() {
        try (UserStore first = UserStore.open(dir, FAST)) {
            first.add("test", "x".toCharArray());
        }

        UserStore second = open();

        assertThat(second.list()).extracting(User::name).containsExactly("test");
    }

    @Test
    void twoOpenStoresOnOneFileSeeEachOthersWrites() {
        UserStore cli = open();
        UserStore broker = open();

        cli.add("alice", "x".toCharArray());
        assertThat(broker.hashOf("alice")).isPresent();
        cli.remove("alice");
        assertThat(broker.hashOf("alice")).isEmpty();
    }

    @Test
    void aVersion1FileGainsTheScramColumnAndKeepsItsUsers() throws Exception {
        String oldHash = FAST.hash("before".toCharArray());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("magpie.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            s.execute("INSERT INTO schema_version (version) VALUES (1)");
            s.execute("CREATE TABLE users (name TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)");
            s.execute("INSERT INTO users VALUES ('old', '" + oldHash + "', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
        }

        UserStore store = open();

        assertThat(store.hashOf("old")).contains(oldHash);
        assertThat(store.scramCredentialOf("old")).as("no SCRAM credential until the password is set again").isEmpty();
        store.setPassword("old", "after".toCharArray());
        assertThat(store.scramCredentialOf("old")).hasValueSatisfying(c -> assertThat(c.iterations()).isEqualTo(4096));
        store.add("new", "pw".toCharArray());
        assertThat(store.scramCredentialOf("new")).isPresent();
        assertThat(store.scramCredentialOf("nobody")).isEmpty();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("magpie.db")); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT version FROM schema_version")).isEqualTo(String.valueOf(UserStore.SCHEMA_VERSION));
        }
    }

    @Test
    void aVersion2FileGainsTheAdminFlagApiKeysAndAclRulesAndKeepsItsUsersAsNonAdmins() throws Exception {
        String oldHash = FAST.hash("before".toCharArray());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("magpie.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            s.execute("INSERT INTO schema_version (version) VALUES (2)");
            s.execute("CREATE TABLE users (name TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
                    + " scram_sha256 TEXT)");
            s.execute("INSERT INTO users VALUES ('old', '" + oldHash + "', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NULL)");
        }

        UserStore store = open();

        assertThat(store.list()).containsExactly(new User("old", java.time.Instant.parse("2026-01-01T00:00:00Z"),
                java.time.Instant.parse("2026-01-01T00:00:00Z"), false));
        assertThat(store.hashOf("old")).contains(oldHash);
        store.setAdmin("old", true);
        assertThat(store.isAdmin("old")).isTrue();
        store.add("boss", "pw".toCharArray(), true);
        store.add("worker", "pw".toCharArray());
        assertThat(store.list()).extracting(User::name, User::admin)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("boss", true), org.assertj.core.groups.Tuple.tuple("old", true),
                        org.assertj.core.groups.Tuple.tuple("worker", false));
        String key = store.apiKeys().add("script");
        assertThat(key).startsWith("mgp_").hasSizeGreaterThan(40);
        assertThat(store.apiKeys().nameOf(key)).contains("script");
        assertThat(store.apiKeys().nameOf(key + "x")).isEmpty();
        long id = store.aclRules().add(new StoredAclRules.StoredAclRule(0, "worker", false, "read", "jobs/#"));
        assertThat(store.aclRules().list()).extracting(StoredAclRules.StoredAclRule::id).containsExactly(id);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("magpie.db")); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT version FROM schema_version")).isEqualTo("3");
            assertThat(single(s, "SELECT key_hash FROM api_keys")).hasSize(64).doesNotContain(key.substring(4));
        }
    }

    @Test
    void aPasswordSaslPrepRefusesGetsNoScramCredentialButStillAHash() {
        UserStore store = open();
        store.add("bell", "ding\u0007".toCharArray());
        assertThat(store.hashOf("bell")).isPresent();
        assertThat(store.scramCredentialOf("bell")).isEmpty();
    }

    @Test
    void aFileFromANewerMagpieIsRefused() throws Exception {
        try (UserStore store = UserStore.open(dir, FAST)) {
            assertThat(store.list()).isEmpty();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("magpie.db"));
             Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET version = 99");
        }

        assertThatThrownBy(() -> UserStore.open(dir, FAST))
                .isInstanceOfSatisfying(UserStoreException.class, e -> assertThat(e.kind()).isEqualTo(UserStoreException.Kind.STORAGE))
                .hasMessageContaining("schema version 99, written by a newer Magpie");
    }

    @Test
    void aDataDirThatIsAFileFailsWithStorage() throws Exception {
        Path notADir = Files.writeString(dir.resolve("file"), "x");

        assertThatThrownBy(() -> UserStore.open(notADir, FAST))
                .isInstanceOfSatisfying(UserStoreException.class, e -> assertThat(e.kind()).isEqualTo(UserStoreException.Kind.STORAGE))
                .hasMessageContaining("cannot create the user database");
    }

    @Test
    void aClosedStoreRefusesWork() {
        UserStore store = UserStore.inMemory(FAST);
        store.close();
        store.close();

        assertThatThrownBy(store::list).hasMessageContaining("is closed");
    }

    private static String single(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
