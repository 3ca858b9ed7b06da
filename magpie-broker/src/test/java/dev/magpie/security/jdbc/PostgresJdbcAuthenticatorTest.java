package dev.magpie.security.jdbc;

import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link JdbcAuthenticator} against a real PostgreSQL server, the one {@code .ci/postgres} starts and names in
 * {@code MAGPIE_TEST_PG_URL}. Skipped on a developer machine without it; under CI (variable {@code CI} set) a
 * missing server fails the test instead, so CI cannot pass without having run it.
 */
class PostgresJdbcAuthenticatorTest extends JdbcAuthenticatorContract {
    static final String URL_VARIABLE = "MAGPIE_TEST_PG_URL";

    // one table per run, so two builds sharing the server do not see each other's rows
    private static final String TABLE = "mqtt_users_" + Long.toHexString(System.nanoTime());

    @BeforeAll
    static void needsPostgres() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            if (System.getenv("CI") != null) {
                fail(URL_VARIABLE + " is not set under CI: .ci/run starts PostgreSQL with .ci/postgres and exports it");
            }
            assumeTrue(false, "no PostgreSQL: start one with `export " + URL_VARIABLE + "=$(.ci/postgres)` to run this test");
        }
    }

    @Override
    String url() {
        return System.getenv(URL_VARIABLE);
    }

    @Override
    String table() {
        return TABLE;
    }
}
