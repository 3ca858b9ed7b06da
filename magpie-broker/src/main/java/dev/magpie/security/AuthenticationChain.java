package dev.magpie.security;

import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the configured authenticators in order until one allows or denies. The chain starts on a dedicated
 * executor (never a network event loop) because an authenticator may block on JDBC or HTTP; a chain that
 * has not answered within the timeout, or that throws, denies: the broker fails closed.
 */
public final class AuthenticationChain {
    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationChain.class);

    private final List<Authenticator> authenticators;
    private final Executor executor;
    private final Duration timeout;

    public AuthenticationChain(List<Authenticator> authenticators, Executor executor, Duration timeout) {
        this.authenticators = List.copyOf(authenticators);
        this.executor = executor;
        this.timeout = timeout;
    }

    public boolean isEmpty() {
        return authenticators.isEmpty();
    }

    /** Completes with ALLOW, DENY, or NEXT when no authenticator had an opinion. Never completes exceptionally. */
    public CompletableFuture<AuthResult> authenticate(Credentials credentials) {
        if (authenticators.isEmpty()) {
            return CompletableFuture.completedFuture(AuthResult.next());
        }
        CompletableFuture<AuthResult> result = CompletableFuture
                .supplyAsync(() -> 0, executor)
                .thenCompose(start -> ask(0, credentials));
        return result
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof TimeoutException) {
                        LOG.warn("authentication of client {} timed out after {} ms: refused", credentials.clientId(), timeout.toMillis());
                        return AuthResult.deny("authentication timed out");
                    }
                    LOG.warn("authenticator failed for client {}: {}: refused", credentials.clientId(), cause.toString());
                    return AuthResult.deny("authenticator failed: " + cause.getMessage());
                });
    }

    private CompletableFuture<AuthResult> ask(int index, Credentials credentials) {
        if (index >= authenticators.size()) {
            return CompletableFuture.completedFuture(AuthResult.next());
        }
        CompletionStage<AuthResult> answer = authenticators.get(index).authenticate(credentials);
        if (answer == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("authenticator returned null"));
        }
        return answer.toCompletableFuture().thenComposeAsync(r -> {
            if (r == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("authenticator answered null"));
            }
            return r.outcome() == AuthResult.Outcome.NEXT ? ask(index + 1, credentials) : CompletableFuture.completedFuture(r);
        }, executor);
    }
}
