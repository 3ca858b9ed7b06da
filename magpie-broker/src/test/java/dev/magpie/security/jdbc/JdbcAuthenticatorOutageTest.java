package dev.magpie.security.jdbc;

import dev.magpie.security.AuthenticationChain;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Credentials;
import dev.magpie.testkit.LogCapture;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A database that is down or does not answer: the client is refused (fail closed), quickly, with one log line. */
class JdbcAuthenticatorOutageTest {
    private static final Credentials ALICE = new Credentials("c1", "alice", "pw".getBytes(StandardCharsets.UTF_8),
            new InetSocketAddress("127.0.0.1", 40000), List.of(), "tcp");

    @Test
    void refusedConnectionDeniesWithOneLineAndNoStackTrace() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (LogCapture log = LogCapture.of(JdbcAuthenticator.class);
             JdbcAuthenticator a = JdbcAuthenticator.builder("jdbc:postgresql://127.0.0.1:" + closedPort + "/x?user=u&password=secret")
                     .timeout(Duration.ofMillis(500)).build()) {
            AuthResult result = a.authenticate(ALICE).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(result.outcome()).isEqualTo(AuthResult.Outcome.DENY);
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("unavailable").contains("client c1 refused")
                    .contains("password=***").doesNotContain("secret"));
            assertThat(log.anyStackTrace()).isFalse();
        }
    }

    @Test
    void databaseThatNeverAnswersIsCutOffByTheChainTimeout() throws Exception {
        // accepts TCP connections (the kernel does, from the backlog) but never speaks: a hung database
        ExecutorService chainThreads = Executors.newFixedThreadPool(2);
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             JdbcAuthenticator a = JdbcAuthenticator.builder("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/x?user=u")
                     .timeout(Duration.ofSeconds(2)).build()) {
            AuthenticationChain chain = new AuthenticationChain(List.of(a), chainThreads, Duration.ofMillis(400));
            long start = System.nanoTime();
            AuthResult result = chain.authenticate(ALICE).get(10, TimeUnit.SECONDS);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(result.outcome()).isEqualTo(AuthResult.Outcome.DENY);
            assertThat(tookMillis).isLessThan(5_000);
            // and the lookup itself gives up after its own timeout instead of holding a thread for ever
            AuthResult direct = a.authenticate(ALICE).toCompletableFuture().get(15, TimeUnit.SECONDS);
            assertThat(direct.outcome()).isEqualTo(AuthResult.Outcome.DENY);
        } finally {
            chainThreads.shutdownNow();
        }
    }

    @Test
    void notAJdbcUrlIsRefusedAtConfiguration() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JdbcAuthenticator.builder("postgres://db/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:");
    }
}
