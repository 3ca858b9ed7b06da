package dev.magpie.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * An {@link Authenticator}'s answer: allow (optionally under another user name), deny with a reason the
 * broker logs, or next (no opinion: ask the next authenticator in the chain).
 */
public final class AuthResult {
    /** The three outcomes of one link in an authentication chain. */
    public enum Outcome { ALLOW, DENY, NEXT }

    private static final AuthResult ALLOW = new AuthResult(Outcome.ALLOW, null, null);
    private static final AuthResult NEXT = new AuthResult(Outcome.NEXT, null, null);

    private final Outcome outcome;
    private final String reason;
    private final String username;

    private AuthResult(Outcome outcome, String reason, String username) {
        this.outcome = outcome;
        this.reason = reason;
        this.username = username;
    }

    /** Accept the client under the user name it presented. */
    public static AuthResult allow() {
        return ALLOW;
    }

    /** Accept the client and treat it as {@code username} (e.g. a certificate's CN) for authorization. */
    public static AuthResult allowAs(String username) {
        return new AuthResult(Outcome.ALLOW, null, Objects.requireNonNull(username, "username"));
    }

    /** Refuse the client; {@code reason} goes to the log, never to the client. */
    public static AuthResult deny(String reason) {
        return new AuthResult(Outcome.DENY, Objects.requireNonNull(reason, "reason"), null);
    }

    /** No opinion: let the next authenticator decide. If none does, the client is refused. */
    public static AuthResult next() {
        return NEXT;
    }

    public Outcome outcome() {
        return outcome;
    }

    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /** The user name to use instead of the presented one, if the authenticator chose one. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    @Override
    public String toString() {
        return outcome + (reason != null ? "(" + reason + ")" : "") + (username != null ? " as " + username : "");
    }
}
