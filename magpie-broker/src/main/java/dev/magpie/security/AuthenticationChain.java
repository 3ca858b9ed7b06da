package dev.magpie.security;

import dev.magpie.codec.ReasonCode;
import dev.magpie.observe.RefusalLog;
import dev.magpie.security.password.PasswordAuthenticator;
import dev.magpie.security.throttle.AddressKey;
import dev.magpie.security.throttle.FairExecutor;
import dev.magpie.security.throttle.LoginThrottle;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Runs the configured authenticators in order until one allows or denies, protected against being used to take
 * the broker down (issue 10: ten wrong passwords a second locked every password user out):
 * <ol>
 *   <li>the {@link LoginThrottle} is asked first: an address or name in backoff is refused at once, unchecked;</li>
 *   <li>the check runs on a {@link FairExecutor} lane of the client's address (never on a network event loop,
 *       because an authenticator may hash for a quarter second or block on JDBC or HTTP); when the address already
 *       has its share pending, or the executor is full, the login is shed at once;</li>
 *   <li>a chain that has not answered within the timeout is cut off;</li>
 *   <li>a user name every authenticator passed on is checked against a dummy hash by the first
 *       {@link PasswordAuthenticator}, so unknown and known names cost the same;</li>
 *   <li>the outcome goes back to the throttle.</li>
 * </ol>
 * Throttled, shed, timed-out and failed checks are {@linkplain Attempt#unavailable() unavailable}, never a
 * denial: the client is told to come back later, not that its password is wrong. The broker fails closed either way.
 */
public final class AuthenticationChain {
    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationChain.class);

    // the refusals that come in floods: at most one line a second each (the log must not become the attack)
    private final RefusalLog backoffLog = new RefusalLog(LOG);
    private final RefusalLog shedLog = new RefusalLog(LOG);
    private final RefusalLog unavailableLog = new RefusalLog(LOG);

    /** Why a login could not be checked. */
    public enum Unavailable {
        /** The address or user name is in backoff after failed logins: 5.0 0x97 Quota exceeded. */
        THROTTLED(ReasonCode.QUOTA_EXCEEDED, "login_throttled"),
        /** Too many checks pending for the address or the broker: 0x88 Server unavailable. */
        SHED(ReasonCode.SERVER_UNAVAILABLE, "login_shed"),
        /** The chain did not answer within the authentication timeout: 0x88. */
        TIMED_OUT(ReasonCode.SERVER_UNAVAILABLE, "login_timed_out"),
        /** An authenticator threw or failed (a database down): 0x88. */
        FAILED(ReasonCode.SERVER_UNAVAILABLE, "login_failed");

        private final int reasonCode;
        private final String metric;

        Unavailable(int reasonCode, String metric) {
            this.reasonCode = reasonCode;
            this.metric = metric;
        }

        /** The 5.0 CONNACK reason code (3.1.1 clients get 0x03 Server unavailable for each). */
        public int reasonCode() {
            return reasonCode;
        }

        /** The {@code magpie.limits} tag counted for it. */
        public String metric() {
            return metric;
        }
    }

    /**
     * The answer of one login: the authenticators' result, or why there is none.
     *
     * @param result      ALLOW, DENY or NEXT; NEXT when {@code unavailable} is set
     * @param unavailable why the login was not checked; null when it was
     * @param reason      for the log and the 5.0 Reason String
     */
    public record Attempt(AuthResult result, Unavailable unavailable, String reason) {
        static Attempt checked(AuthResult result) {
            return new Attempt(result, null, null);
        }

        static Attempt unavailable(Unavailable why, String reason) {
            return new Attempt(AuthResult.next(), why, reason);
        }

        public boolean isUnavailable() {
            return unavailable != null;
        }
    }

    private final List<Authenticator> authenticators;
    private final Optional<PasswordAuthenticator> dummyCheck;
    private final FairExecutor executor;
    private final Duration timeout;
    private final LoginThrottle throttle;
    private final Consumer<Unavailable> counter;
    private final LongSupplier nanoClock;

    /**
     * @param counter   told every time a login is unavailable (the broker counts it in its metrics)
     * @param nanoClock {@link System#nanoTime} outside tests
     */
    public AuthenticationChain(List<Authenticator> authenticators, FairExecutor executor, Duration timeout, LoginThrottle throttle,
                               Consumer<Unavailable> counter, LongSupplier nanoClock) {
        this.authenticators = List.copyOf(authenticators);
        this.dummyCheck = this.authenticators.stream().filter(PasswordAuthenticator.class::isInstance)
                .map(PasswordAuthenticator.class::cast).findFirst();
        this.executor = executor;
        this.timeout = timeout;
        this.throttle = throttle;
        this.counter = counter;
        this.nanoClock = nanoClock;
    }

    public boolean isEmpty() {
        return authenticators.isEmpty();
    }

    /** The throttle this chain reports to (the broker purges it). */
    public LoginThrottle throttle() {
        return throttle;
    }

    /** Completes with the outcome of one login; never completes exceptionally. */
    public CompletableFuture<Attempt> authenticate(Credentials credentials) {
        if (authenticators.isEmpty()) {
            return CompletableFuture.completedFuture(Attempt.checked(AuthResult.next()));
        }
        Object address = AddressKey.of(credentials.remoteAddress());
        String username = credentials.username();
        Optional<Duration> wait = throttle.refusal(address, username, nanoClock.getAsLong());
        if (wait.isPresent()) {
            return unavailable(Unavailable.THROTTLED, tryAgainIn(wait.get()));
        }
        Optional<FairExecutor.Lane> opened = executor.open(address);
        if (opened.isEmpty()) {
            shedLog.refused("{}: password check shed (too many pending for this address or the broker): refused 0x88 Server unavailable",
                    credentials.remoteAddress());
            return unavailable(Unavailable.SHED, "too many logins pending: try again later");
        }
        FairExecutor.Lane lane = opened.get();
        CompletableFuture<AuthResult> checked;
        try {
            // the throttle is asked again when the check's turn comes: failures of the same address that were
            // checked meanwhile may have started a backoff, and then the queued guesses are refused unhashed
            checked = CompletableFuture.supplyAsync(() -> throttledAtTurn(address, username), lane)
                    .thenCompose(start -> ask(0, credentials, lane));
        } catch (RejectedExecutionException e) {
            lane.close();
            return unavailable(Unavailable.SHED, "authentication is shutting down");
        }
        return checked
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((result, failure) -> {
                    lane.close(); // drops what is still queued after a timeout
                    if (failure == null) {
                        learn(credentials, credentials.password() != null, result);
                        return Attempt.checked(result);
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause instanceof ThrottledAtTurn t) {
                        counter.accept(Unavailable.THROTTLED);
                        return Attempt.unavailable(Unavailable.THROTTLED, tryAgainIn(t.wait));
                    }
                    Unavailable why = cause instanceof TimeoutException ? Unavailable.TIMED_OUT
                            : cause instanceof RejectedExecutionException ? Unavailable.SHED : Unavailable.FAILED;
                    unavailableLog.refused((why == Unavailable.TIMED_OUT ? "authentication timed out after " + timeout.toMillis() + " ms"
                            : "authenticator failed: " + cause) + " for {}: refused 0x88 Server unavailable", credentials.remoteAddress());
                    counter.accept(why);
                    return Attempt.unavailable(why, why == Unavailable.TIMED_OUT ? "authentication timed out" : "authentication unavailable");
                });
    }

    /**
     * For an enhanced-authentication exchange (SCRAM), which does not run through this chain: the throttle's
     * refusal of it, if its address (or presented name) is in backoff, so guessing through AUTH exchanges is
     * throttled like guessing through CONNECT passwords.
     */
    public Optional<Attempt> throttledExchange(Credentials credentials) {
        Optional<Duration> wait = throttle.refusal(AddressKey.of(credentials.remoteAddress()), credentials.username(), nanoClock.getAsLong());
        if (wait.isEmpty()) {
            return Optional.empty();
        }
        counter.accept(Unavailable.THROTTLED);
        return Optional.of(Attempt.unavailable(Unavailable.THROTTLED, tryAgainIn(wait.get())));
    }

    /** Throws {@link ThrottledAtTurn} if the throttle refuses the address or name now; runs in the check's lane. */
    private int throttledAtTurn(Object address, String username) {
        Optional<Duration> wait = throttle.refusal(address, username, nanoClock.getAsLong());
        if (wait.isPresent()) {
            throw new ThrottledAtTurn(wait.get());
        }
        return 0;
    }

    /** A queued check whose address or name went into backoff while it waited: answered as throttled, not hashed. */
    private static final class ThrottledAtTurn extends RuntimeException {
        private final transient Duration wait;

        ThrottledAtTurn(Duration wait) {
            super(null, null, false, false);
            this.wait = wait;
        }
    }

    /** The Reason String of a throttled login (5.0 clients see it; it tells nothing about the password). */
    private static String tryAgainIn(Duration wait) {
        return "too many failed logins: try again in " + Math.max(1, wait.toSeconds()) + " s";
    }

    /** An enhanced-authentication exchange admitted {@code username} (null: none) or, if {@code admitted} is false, refused it. */
    public void exchangeEnded(Credentials credentials, String username, boolean admitted) {
        Object address = AddressKey.of(credentials.remoteAddress());
        if (admitted) {
            throttle.succeeded(address, username, nanoClock.getAsLong());
        } else {
            failed(credentials, address, username, nanoClock.getAsLong());
        }
    }

    private CompletableFuture<Attempt> unavailable(Unavailable why, String reason) {
        counter.accept(why);
        return CompletableFuture.completedFuture(Attempt.unavailable(why, reason));
    }

    /** Tells the throttle: a denial, or a name no one knew with a password, failed; an allowance succeeded. */
    private void learn(Credentials credentials, boolean gavePassword, AuthResult result) {
        Object address = AddressKey.of(credentials.remoteAddress());
        String username = credentials.username();
        long now = nanoClock.getAsLong();
        switch (result.outcome()) {
            case ALLOW -> throttle.succeeded(address, result.username().orElse(username), now);
            case DENY -> {
                if (result.serverReference().isEmpty()) { // a redirect is no failed login
                    failed(credentials, address, username, now);
                }
            }
            case NEXT -> {
                if (username != null && gavePassword) { // refused as unknown: a guess like any other
                    failed(credentials, address, username, now);
                }
            }
        }
    }

    private void failed(Credentials credentials, Object address, String username, long now) {
        throttle.failed(address, username, now).ifPresent(backoff -> backoffLog.refused("{}: too many failed logins: further logins"
                + " from it (or for its user name) refused unchecked for " + Math.max(1, backoff.toSeconds()) + " s, 0x97 Quota exceeded",
                credentials.remoteAddress()));
    }

    private CompletableFuture<AuthResult> ask(int index, Credentials credentials, FairExecutor.Lane lane) {
        if (index >= authenticators.size()) {
            if (credentials.username() != null && credentials.password() != null) {
                dummyCheck.ifPresent(d -> d.checkUnknownUser(credentials.password()));
            }
            return CompletableFuture.completedFuture(AuthResult.next());
        }
        CompletionStage<AuthResult> answer = authenticators.get(index).authenticate(credentials);
        if (answer == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("authenticator returned null"));
        }
        Function<AuthResult, CompletableFuture<AuthResult>> next = r -> {
            if (r == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("authenticator answered null"));
            }
            return r.outcome() == AuthResult.Outcome.NEXT ? ask(index + 1, credentials, lane) : CompletableFuture.completedFuture(r);
        };
        CompletableFuture<AuthResult> answered = answer.toCompletableFuture();
        // an answer given at once (a password table) goes on in this task, so the outcome reaches the throttle
        // before the address's next queued check runs; one that completes later, on a provider's own thread,
        // comes back to the lane
        return answered.isDone() ? answered.thenCompose(next) : answered.thenComposeAsync(next, lane);
    }
}
