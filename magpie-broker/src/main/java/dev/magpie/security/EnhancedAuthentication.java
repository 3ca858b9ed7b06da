package dev.magpie.security;

import dev.magpie.spi.AuthStep;
import dev.magpie.spi.EnhancedAuthRequest;
import dev.magpie.spi.EnhancedAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The enhanced authenticators of one broker, by Authentication Method, and the rules every step of their
 * exchanges runs under: on the authentication executor (never an event loop), within the authentication
 * timeout, and failing closed. A step that times out, throws, fails or answers {@code null}, or finds the executor
 * full, becomes {@link AuthStep#serverUnavailable} (0x88: the check was not made, so the client may retry; never
 * "not authorized"), so callers only ever see a step, never an exception.
 */
public final class EnhancedAuthentication {
    private static final Logger LOG = LoggerFactory.getLogger(EnhancedAuthentication.class);

    private final Map<String, EnhancedAuthenticator> byMethod = new LinkedHashMap<>();
    private final Executor executor;
    private final Duration timeout;

    /** @throws IllegalArgumentException if two authenticators serve the same method, or one names none */
    public EnhancedAuthentication(List<EnhancedAuthenticator> authenticators, Executor executor, Duration timeout) {
        for (EnhancedAuthenticator a : authenticators) {
            String method = a.method();
            if (method == null || method.isEmpty()) {
                throw new IllegalArgumentException("an enhanced authenticator must name its Authentication Method: " + a);
            }
            if (byMethod.putIfAbsent(method, a) != null) {
                throw new IllegalArgumentException("two enhanced authenticators for the method " + method);
            }
        }
        this.executor = executor;
        this.timeout = timeout;
    }

    /** The methods served, in registration order. */
    public Set<String> methods() {
        return byMethod.keySet();
    }

    public boolean supports(String method) {
        return byMethod.containsKey(method);
    }

    /** Starts an exchange for {@code request.method()}, which must be {@linkplain #supports supported}. */
    public CompletableFuture<AuthStep> start(EnhancedAuthRequest request) {
        EnhancedAuthenticator authenticator = byMethod.get(request.method());
        if (authenticator == null) {
            return CompletableFuture.completedFuture(AuthStep.notAuthorized("unsupported method " + request.method()));
        }
        return guarded(() -> authenticator.start(request), request.credentials().clientId());
    }

    /** Hands the client's answer to the continuation of the previous challenge. */
    public CompletableFuture<AuthStep> respond(AuthStep.Continuation next, byte[] clientData, String clientId) {
        return guarded(() -> next.respond(clientData), clientId);
    }

    private CompletableFuture<AuthStep> guarded(Supplier<CompletionStage<AuthStep>> step, String clientId) {
        CompletableFuture<AuthStep> result;
        try {
            result = CompletableFuture.supplyAsync(step, executor).thenCompose(stage -> stage == null
                    ? CompletableFuture.failedFuture(new IllegalStateException("enhanced authenticator returned null"))
                    : stage.toCompletableFuture());
        } catch (RuntimeException rejected) {
            // the executor's queue is full: refuse rather than block the event loop
            LOG.warn("enhanced authentication of client {} not started: {}: refused", clientId, rejected.toString());
            return CompletableFuture.completedFuture(AuthStep.serverUnavailable("authentication executor busy"));
        }
        return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((answer, failure) -> {
            if (failure == null && answer != null) {
                return answer;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                LOG.warn("enhanced authentication of client {} timed out after {} ms: refused", clientId, timeout.toMillis());
                return AuthStep.serverUnavailable("authentication timed out"); // "later", never "not authorized" (issue 10)
            }
            String what = cause == null ? "answered null" : cause.toString();
            LOG.warn("enhanced authenticator failed for client {}: {}: refused", clientId, what);
            return AuthStep.serverUnavailable("authenticator failed: " + what);
        });
    }
}
