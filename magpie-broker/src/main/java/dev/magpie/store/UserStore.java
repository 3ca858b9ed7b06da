package dev.magpie.store;

import dev.magpie.security.password.PasswordHasher;
import dev.magpie.security.scram.ScramCredential;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The built-in user database: user names, PBKDF2 password hashes and SCRAM-SHA-256 credentials
 * ({@link ScramCredential}, for enhanced authentication) in the SQLite file
 * {@code <data-dir>/magpie.db}, shared by {@code magpie user ...} (which writes it) and a running broker
 * (which reads it on every CONNECT, so an added or removed user takes effect at the next login without a
 * restart).
 *
 * <p><b>Why SQLite:</b> one file next to the rest of the broker's state, no server to run, transactions that
 * keep a half-written user impossible, and WAL mode so the CLI can write while the broker reads. The schema
 * is versioned ({@code schema_version}) and brought up to date by the migration steps in {@link #MIGRATIONS}
 * when the file is opened; a file written by a newer Magpie is refused rather than guessed at.
 *
 * <p><b>Why the in-memory variant is SQLite too</b> ({@code :memory:}) and not a map: tests of
 * {@link #inMemory()} then run the very SQL, constraints and migrations the file runs, so there is one code
 * path to trust; the price, a native library in tests, is paid anyway by the file variant.
 *
 * <p><b>Threads:</b> one JDBC connection, used under a lock; each call is one short statement (hashing, the
 * slow part, happens outside the lock). Calls block on disk I/O, so the broker makes them on its
 * authentication executor, never on an event loop. All methods are thread-safe.
 *
 * <p><b>Secrets:</b> passwords are taken as {@code char[]}, hashed at once with {@link PasswordHasher} and
 * never stored, logged or put in an exception message; the caller's array is left for the caller to clear. A
 * new database file is created readable by its owner only (where the file system has POSIX permissions).
 */
public final class UserStore implements AutoCloseable {

    /** The file name inside the data directory. */
    public static final String FILE_NAME = "magpie.db";

    /** Longest user name accepted, in characters (Unicode code points). */
    public static final int MAX_NAME_LENGTH = 256;

    /** The schema version this code reads and writes. */
    public static final int SCHEMA_VERSION = UserSchema.MIGRATIONS.version();

    private final Object lock = new Object();
    private final Connection connection; // guarded by lock
    private final PasswordHasher hasher;
    private final SecureRandom random = new SecureRandom();
    private final String location;
    private boolean closed; // guarded by lock
    /** Told after each change to the ACL rules made through this store (on the changing thread). */
    private final List<Runnable> aclListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private UserStore(Connection connection, PasswordHasher hasher, String location) {
        this.connection = connection;
        this.hasher = hasher;
        this.location = location;
    }

    /** Opens (creating if needed) {@code <dataDir>/magpie.db}, hashing new passwords with the default cost. */
    public static UserStore open(Path dataDir) {
        return open(dataDir, new PasswordHasher());
    }

    /**
     * Opens (creating the directory and file if needed) {@code <dataDir>/magpie.db} in WAL mode and migrates
     * its schema to {@link #SCHEMA_VERSION}; new passwords are hashed with {@code hasher}.
     *
     * @throws UserStoreException ({@link UserStoreException.Kind#STORAGE}) if it cannot be opened or migrated
     */
    public static UserStore open(Path dataDir, PasswordHasher hasher) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(hasher, "hasher");
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath().normalize();
        try {
            SqliteFile.createPrivately(file);
        } catch (IOException e) {
            throw new UserStoreException(UserStoreException.Kind.STORAGE,
                    "cannot create the user database " + file + ": " + e.getMessage(), e);
        }
        // WAL + NORMAL: a committed user survives a killed process; the file is never corrupt
        return connect("jdbc:sqlite:" + file, SqliteFile.fileConfig(SyncMode.NORMAL), hasher, file.toString());
    }

    /** An empty database in memory, gone when closed; hashes with the default cost. For tests and demos. */
    public static UserStore inMemory() {
        return inMemory(new PasswordHasher());
    }

    /** As {@link #inMemory()}, hashing new passwords with {@code hasher} (tests use a low iteration count). */
    public static UserStore inMemory(PasswordHasher hasher) {
        return connect("jdbc:sqlite::memory:", SqliteFile.baseConfig(), Objects.requireNonNull(hasher, "hasher"), ":memory:");
    }

    private static UserStore connect(String url, SQLiteConfig config, PasswordHasher hasher, String location) {
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl(url);
        Connection connection = null;
        try {
            connection = source.getConnection();
            UserSchema.MIGRATIONS.apply(connection, "the user database " + location,
                    message -> new UserStoreException(UserStoreException.Kind.STORAGE, message));
            return new UserStore(connection, hasher, location);
        } catch (SQLException | RuntimeException e) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the open failure is what matters
                }
            }
            if (e instanceof UserStoreException use) {
                throw use;
            }
            throw new UserStoreException(UserStoreException.Kind.STORAGE,
                    "cannot open the user database " + location + ": " + e.getMessage() + SqliteFile.hint(e), e);
        }
    }

    /** Where the data lives: the database file, or {@code :memory:}. */
    public String location() {
        return location;
    }

    /** The hasher new passwords are hashed with. */
    public PasswordHasher hasher() {
        return hasher;
    }

    /**
     * Checks a user name: not empty, at most {@value #MAX_NAME_LENGTH} characters, no {@code +}, {@code #}
     * or {@code /} (a name must never act as a topic wildcard or level separator when an ACL pattern puts it
     * into a topic, CVE-2017-7650), no control characters.
     *
     * @return {@code name}
     * @throws UserStoreException ({@link UserStoreException.Kind#INVALID_NAME}) saying which rule it breaks
     */
    public static String validateName(String name) {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new UserStoreException(UserStoreException.Kind.INVALID_NAME, problem);
        }
        return name;
    }

    /** Why {@code name} is not a valid user name, or null if it is. */
    static String nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "a user name must not be empty";
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_NAME_LENGTH) {
            return "a user name must be at most " + MAX_NAME_LENGTH + " characters, this one has " + length;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '+' || c == '#' || c == '/') {
                return "a user name must not contain '+', '#' or '/' (they are topic wildcards and separators): '"
                        + name + "'";
            }
            if (Character.isISOControl(c)) {
                return "a user name must not contain control characters (found U+"
                        + String.format("%04X", (int) c) + " at position " + (i + 1) + ")";
            }
        }
        return null;
    }

    /**
     * Adds a user with {@code password}.
     *
     * @throws UserStoreException {@code INVALID_NAME}, {@code INVALID_PASSWORD} (empty), {@code ALREADY_EXISTS},
     *                            or {@code STORAGE}
     */
    public void add(String name, char[] password) {
        add(name, password, false);
    }

    /**
     * Adds a user with {@code password}; with {@code admin} the user may also use the REST API ({@code /api/v1}).
     *
     * @throws UserStoreException as {@link #add(String, char[])}
     */
    public void add(String name, char[] password, boolean admin) {
        validateName(name);
        checkPassword(password);
        if (hashOf(name).isPresent()) {
            throw exists(name); // before paying for the hash
        }
        String hash = hasher.hash(password);
        String scram = scram(password);
        String now = now();
        int added = update("add user '" + name + "'",
                "INSERT OR IGNORE INTO users (name, password_hash, scram_sha256, created_at, updated_at, admin) VALUES (?, ?, ?, ?, ?, ?)",
                name, hash, scram, now, now, admin ? "1" : "0");
        if (added == 0) {
            throw exists(name);
        }
    }

    /**
     * Replaces the password of an existing user.
     *
     * @throws UserStoreException {@code INVALID_NAME}, {@code INVALID_PASSWORD}, {@code NOT_FOUND} or {@code STORAGE}
     */
    public void setPassword(String name, char[] password) {
        validateName(name);
        checkPassword(password);
        if (hashOf(name).isEmpty()) {
            throw notFound(name);
        }
        String hash = hasher.hash(password);
        int changed = update("set the password of '" + name + "'",
                "UPDATE users SET password_hash = ?, scram_sha256 = ?, updated_at = ? WHERE name = ?", hash, scram(password), now(), name);
        if (changed == 0) {
            throw notFound(name);
        }
    }

    /**
     * Removes a user; clients already connected as this user stay connected until they disconnect.
     *
     * @throws UserStoreException {@code INVALID_NAME}, {@code NOT_FOUND} or {@code STORAGE}
     */
    public void remove(String name) {
        validateName(name);
        if (update("remove user '" + name + "'", "DELETE FROM users WHERE name = ?", name) == 0) {
            throw notFound(name);
        }
    }

    /**
     * Makes {@code name} an administrator (may use the REST API) or not.
     *
     * @throws UserStoreException {@code INVALID_NAME}, {@code NOT_FOUND} or {@code STORAGE}
     */
    public void setAdmin(String name, boolean admin) {
        validateName(name);
        if (update("change the admin flag of '" + name + "'", "UPDATE users SET admin = ?, updated_at = ? WHERE name = ?",
                admin ? "1" : "0", now(), name) == 0) {
            throw notFound(name);
        }
    }

    /** Whether {@code name} is a user marked administrator; false for unknown or invalid names. */
    public boolean isAdmin(String name) {
        return find(name).map(User::admin).orElse(false);
    }

    /** The user {@code name}, if there is one. */
    public Optional<User> find(String name) {
        if (nameProblem(name) != null) {
            return Optional.empty();
        }
        return query("look up user '" + name + "'", "SELECT name, created_at, updated_at, admin FROM users WHERE name = ?",
                UserStore::user, name).stream().findFirst();
    }

    /** The API keys kept in this database (see {@link ApiKeys}). */
    public ApiKeys apiKeys() {
        return new ApiKeys(this);
    }

    /** The ACL rules kept in this database (see {@link StoredAclRules}). */
    public StoredAclRules aclRules() {
        return new StoredAclRules(this);
    }

    /** Every user, sorted by name; no hashes. */
    public List<User> list() {
        return List.copyOf(query("list users", "SELECT name, created_at, updated_at, admin FROM users ORDER BY name", UserStore::user));
    }

    /** The stored password hash of {@code name}; empty if there is no such user (or the name is not valid). */
    public Optional<String> hashOf(String name) {
        if (nameProblem(name) != null) {
            return Optional.empty(); // such a user cannot exist
        }
        return query("look up user '" + name + "'", "SELECT password_hash FROM users WHERE name = ?", rs -> rs.getString(1), name)
                .stream().findFirst();
    }

    /**
     * The SCRAM-SHA-256 credential of {@code name}; empty if there is no such user, or its password was set
     * before this version of the database (or cannot be SASLprepared): then it can log in with SCRAM only after
     * its password is set again.
     */
    public Optional<ScramCredential> scramCredentialOf(String name) {
        if (nameProblem(name) != null) {
            return Optional.empty();
        }
        // the column is NULL for a password set before schema 2: parse answers empty for it
        return query("look up user '" + name + "'", "SELECT scram_sha256 FROM users WHERE name = ?",
                rs -> ScramCredential.parse(rs.getString(1)), name).stream().findFirst().flatMap(credential -> credential);
    }

    /** The stored text of {@code password}'s SCRAM credential, or null if SASLprep refuses the password. */
    private String scram(char[] password) {
        return ScramCredential.derive(password, random).map(ScramCredential::encode).orElse(null);
    }

    /** Closes the database; later calls fail with {@code STORAGE}. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                connection.close();
            } catch (SQLException e) {
                throw storage("close", e);
            }
        }
    }

    @Override
    public String toString() {
        return "UserStore[" + location + "]";
    }

    /** Runs one statement under the lock (for {@link ApiKeys} and {@link StoredAclRules}, which share the connection). */
    int update(String what, String sql, String... values) {
        synchronized (lock) {
            checkOpen();
            try (PreparedStatement s = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    s.setString(i + 1, values[i]);
                }
                return s.executeUpdate();
            } catch (SQLException e) {
                throw storage(what, e);
            }
        }
    }

    /** Runs one query under the lock and maps every row with {@code row}. */
    <T> List<T> query(String what, String sql, RowMapper<T> row, String... values) {
        synchronized (lock) {
            checkOpen();
            try (PreparedStatement s = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    s.setString(i + 1, values[i]);
                }
                try (ResultSet rs = s.executeQuery()) {
                    List<T> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(row.map(rs));
                    }
                    return out;
                }
            } catch (SQLException e) {
                throw storage(what, e);
            }
        }
    }

    /** Reads one row of a result. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** The store's random source (salts, API keys). */
    SecureRandom random() {
        return random;
    }

    void aclChanged() {
        aclListeners.forEach(Runnable::run);
    }

    /** Runs {@code listener} after every change to the ACL rules made through this store, on the thread that made it. */
    public void onAclRulesChanged(Runnable listener) {
        aclListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** A row of {@code name, created_at, updated_at, admin}. */
    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString(1), Instant.parse(rs.getString(2)), Instant.parse(rs.getString(3)), rs.getInt(4) != 0);
    }

    static String timestamp() {
        return now();
    }

    private void checkOpen() {
        if (closed) {
            throw new UserStoreException(UserStoreException.Kind.STORAGE, "the user database " + location + " is closed");
        }
    }

    private static void checkPassword(char[] password) {
        if (password == null || password.length == 0) {
            throw new UserStoreException(UserStoreException.Kind.INVALID_PASSWORD, "the password must not be empty");
        }
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private UserStoreException exists(String name) {
        return new UserStoreException(UserStoreException.Kind.ALREADY_EXISTS, "user '" + name + "' already exists"
                + " (to change the password: magpie user passwd " + name + ")");
    }

    private UserStoreException notFound(String name) {
        return new UserStoreException(UserStoreException.Kind.NOT_FOUND, "there is no user '" + name + "' in " + location);
    }

    private UserStoreException storage(String what, SQLException e) {
        return new UserStoreException(UserStoreException.Kind.STORAGE,
                "cannot " + what + " in the user database " + location + ": " + e.getMessage(), e);
    }
}
