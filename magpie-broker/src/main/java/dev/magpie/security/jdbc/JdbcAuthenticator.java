package dev.magpie.security.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.magpie.security.password.PasswordHasher;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Authenticates against a user table: the configured query gets the user name as its parameter(s) and
 * returns the stored hash in its first column (and, for {@link HashScheme#SHA256_SALTED}, the salt in its
 * second). No row means "not my user": {@link AuthResult#next()}, so a later authenticator may know the
 * client; a row whose hash does not match denies.
 *
 * <p><b>Never on an event loop, never unbounded.</b> Each lookup runs on this authenticator's own executor
 * (as many threads as pool connections, a bounded queue behind them), so a slow database occupies neither
 * the network threads nor the broker's authentication threads. When the database is down or slow, the
 * connection and query timeouts end the lookup and the client is denied with one log line (fail closed);
 * the broker's authentication timeout bounds the wait of the connecting client in any case.
 *
 * <pre>{@code
 * JdbcAuthenticator users = JdbcAuthenticator.builder("jdbc:postgresql://db:5432/iot")
 *         .credentials("broker", secret)
 *         .query("SELECT password_hash FROM mqtt_user WHERE username = ?")
 *         .hashScheme(HashScheme.BCRYPT)
 *         .build();
 * Broker.builder().authenticator(users)...   // close() it after the broker has stopped
 * }</pre>
 */
public final class JdbcAuthenticator implements Authenticator, AutoCloseable {
    /** The query used when none is configured. */
    public static final String DEFAULT_QUERY = "SELECT password_hash FROM mqtt_users WHERE username = ?";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcAuthenticator.class);

    private final HikariDataSource pool;
    private final ThreadPoolExecutor executor;
    private final String query;
    private final int parameters;
    private final HashScheme scheme;
    private final int queryTimeoutSeconds;
    private final PasswordHasher hasher = new PasswordHasher();
    private final String location;

    private JdbcAuthenticator(Builder b) {
        this.query = b.query;
        this.parameters = (int) b.query.chars().filter(c -> c == '?').count();
        this.scheme = b.scheme;
        this.queryTimeoutSeconds = (int) Math.max(1, (b.timeout.toMillis() + 999) / 1000);
        this.location = redact(b.url);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(b.url);
        if (b.user != null) {
            config.setUsername(b.user);
            config.setPassword(b.password);
        }
        config.setPoolName("magpie-jdbc-auth");
        config.setMaximumPoolSize(b.poolSize);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(Math.max(250, b.timeout.toMillis()));
        config.setValidationTimeout(Math.max(250, Math.min(b.timeout.toMillis(), 5_000)));
        driverTimeouts(config, b.url, b.timeout);
        // start even when the database is down: clients are denied until it is back, the broker keeps running
        config.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(config);
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(b.poolSize, b.poolSize, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(b.poolSize * 64), r -> {
                    Thread t = new Thread(r, "magpie-jdbc-auth-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    /** A builder for the database at {@code jdbcUrl} (its driver must be on the class path). */
    public static Builder builder(String jdbcUrl) {
        return new Builder(jdbcUrl);
    }

    @Override
    public CompletionStage<AuthResult> authenticate(Credentials credentials) {
        if (credentials.username() == null) {
            return CompletableFuture.completedFuture(AuthResult.next());
        }
        try {
            return CompletableFuture.supplyAsync(() -> lookUp(credentials), executor);
        } catch (RejectedExecutionException e) {
            LOG.warn("user database {}: too many lookups waiting, client {} refused", location, credentials.clientId());
            return CompletableFuture.completedFuture(AuthResult.deny("user database overloaded"));
        }
    }

    private AuthResult lookUp(Credentials credentials) {
        String stored;
        String salt = null;
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            for (int i = 1; i <= parameters; i++) {
                statement.setString(i, credentials.username());
            }
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return AuthResult.next();
                }
                stored = row.getString(1);
                if (scheme.needsSalt()) {
                    salt = row.getString(2);
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("user database {} unavailable ({}): client {} refused", location, oneLine(e), credentials.clientId());
            return AuthResult.deny("user database unavailable");
        }
        if (stored == null || credentials.password() == null) {
            return AuthResult.deny("no password");
        }
        try {
            return scheme.matches(credentials.password(), stored, salt, hasher)
                    ? AuthResult.allow() : AuthResult.deny("wrong password");
        } catch (IllegalStateException e) {
            LOG.warn("user database {}: cannot check the hash of user {}: {}", location, credentials.username(), e.getMessage());
            return AuthResult.deny("unsupported hash");
        }
    }

    /**
     * The pool bounds waiting for a connection, but not a driver stuck in its login handshake with a server
     * that accepted the TCP connection and never answers; the drivers' own socket timeouts do.
     */
    private static void driverTimeouts(HikariConfig config, String url, Duration timeout) {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        if (url.startsWith("jdbc:postgresql:")) {
            config.addDataSourceProperty("connectTimeout", seconds);
            config.addDataSourceProperty("loginTimeout", seconds);
            config.addDataSourceProperty("socketTimeout", seconds + 1);
        } else if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            config.addDataSourceProperty("connectTimeout", timeout.toMillis());
            config.addDataSourceProperty("socketTimeout", timeout.toMillis() + 1_000);
        }
    }

    /** The message of {@code e}'s deepest cause (the pool wraps the driver's "connection refused"), first line only. */
    private static String oneLine(Throwable e) {
        Throwable root = e;
        for (int depth = 0; root.getCause() != null && depth < 10; depth++) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** {@code url} with the value of any {@code password=} parameter replaced by {@code ***}, for logs. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** Where the users come from, for the start-up log (password redacted). */
    public String location() {
        return location;
    }

    /** Stops the lookup threads and closes the pool's connections. */
    @Override
    public void close() {
        executor.shutdownNow();
        pool.close();
    }

    /** Settings of a {@link JdbcAuthenticator}; only the URL is required. */
    public static final class Builder {
        private final String url;
        private String user;
        private String password;
        private String query = DEFAULT_QUERY;
        private HashScheme scheme = HashScheme.AUTO;
        private int poolSize = 4;
        private Duration timeout = Duration.ofSeconds(3);

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
            if (!url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("a JDBC URL starts with 'jdbc:', e.g. jdbc:postgresql://host:5432/db; was '" + redact(url) + "'");
            }
        }

        /** The database account (may also be given in the URL). */
        public Builder credentials(String user, String password) {
            this.user = Objects.requireNonNull(user, "user");
            this.password = password;
            return this;
        }

        /** The query: every {@code ?} is bound to the user name; column 1 the stored hash (column 2 the salt). */
        public Builder query(String sql) {
            if (sql == null || sql.indexOf('?') < 0) {
                throw new IllegalArgumentException("the user query needs a '?' for the user name, e.g. " + DEFAULT_QUERY);
            }
            this.query = sql;
            return this;
        }

        public Builder hashScheme(HashScheme hashScheme) {
            this.scheme = Objects.requireNonNull(hashScheme, "hashScheme");
            return this;
        }

        /** Connections (and lookup threads) at most; 4 by default. */
        public Builder poolSize(int size) {
            if (size < 1 || size > 100) {
                throw new IllegalArgumentException("pool size must be 1..100, was " + size);
            }
            this.poolSize = size;
            return this;
        }

        /** How long getting a connection, and then the query, may take; 3 s by default. */
        public Builder timeout(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            this.timeout = value;
            return this;
        }

        public JdbcAuthenticator build() {
            if (scheme == HashScheme.BCRYPT && !Bcrypt.available()) {
                throw new IllegalStateException("hash bcrypt needs BouncyCastle (org.bouncycastle:bcprov-jdk18on) on the class path");
            }
            return new JdbcAuthenticator(this);
        }
    }
}
