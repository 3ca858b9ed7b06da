package dev.magpie.spi;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link Authenticator}'s answer: allow (optionally under another user name), deny with a reason the
 * broker logs, or next (no opinion: ask the next authenticator in the chain).
 *
 * <p>An allowing answer may carry <b>attributes</b>: facts the authenticator learned that the authorizers
 * need later, such as the ACL a JWT grants. They reach every {@link Authorizer} call for that connection as
 * {@link ClientInfo#attributes()}. Name them with a prefix you own (e.g. {@code "com.example.tenant"});
 * values should be immutable, because authorizers read them from several event loops.
 *
 * <pre>{@code
 * return CompletableFuture.completedFuture(AuthResult.allowAs(claims.subject())
 *         .withAttribute("com.example.tenant", claims.tenant()));
 * }</pre>
 */
public final class AuthResult {
    /** The three outcomes of one link in an authentication chain. */
    public enum Outcome { ALLOW, DENY, NEXT }

    private static final AuthResult ALLOW = new AuthResult(Outcome.ALLOW, null, null, null, false);
    private static final AuthResult NEXT = new AuthResult(Outcome.NEXT, null, null, null, false);

    private final Outcome outcome;
    private final String reason;
    private final String username;
    private final String serverReference;
    private final boolean permanentMove;
    private final Map<String, Object> attributes;

    private AuthResult(Outcome outcome, String reason, String username, String serverReference, boolean permanentMove) {
        this(outcome, reason, username, serverReference, permanentMove, Map.of());
    }

    private AuthResult(Outcome outcome, String reason, String username, String serverReference, boolean permanentMove,
                       Map<String, Object> attributes) {
        this.outcome = outcome;
        this.reason = reason;
        this.username = username;
        this.serverReference = serverReference;
        this.permanentMove = permanentMove;
        this.attributes = attributes;
    }

    /** Accept the client under the user name it presented. */
    public static AuthResult allow() {
        return ALLOW;
    }

    /** Accept the client and treat it as {@code username} (e.g. a certificate's CN) for authorization. */
    public static AuthResult allowAs(String username) {
        return new AuthResult(Outcome.ALLOW, null, Objects.requireNonNull(username, "username"), null, false);
    }

    /** Refuse the client; {@code reason} goes to the log, never to the client. */
    public static AuthResult deny(String reason) {
        return new AuthResult(Outcome.DENY, Objects.requireNonNull(reason, "reason"), null, null, false);
    }

    /**
     * Refuse the client and send it elsewhere for now: MQTT 5 clients get CONNACK 0x9C (Use another server)
     * with {@code serverReference} (e.g. "broker2.example.com:1883"); 3.1.1 clients get "server unavailable".
     */
    public static AuthResult useAnotherServer(String serverReference) {
        return new AuthResult(Outcome.DENY, "redirected to " + serverReference, null, Objects.requireNonNull(serverReference, "serverReference"), false);
    }

    /** Like {@link #useAnotherServer} but permanent: CONNACK 0x9D (Server moved). */
    public static AuthResult serverMoved(String serverReference) {
        return new AuthResult(Outcome.DENY, "moved to " + serverReference, null, Objects.requireNonNull(serverReference, "serverReference"), true);
    }

    /** No opinion: let the next authenticator decide. If none does, the client is refused. */
    public static AuthResult next() {
        return NEXT;
    }

    /**
     * This allowing answer with one more attribute for the authorizers ({@link ClientInfo#attributes()}); a
     * later value for the same name replaces the earlier one.
     *
     * @throws IllegalStateException if this answer does not allow: a refused client has no attributes
     */
    public AuthResult withAttribute(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (outcome != Outcome.ALLOW) {
            throw new IllegalStateException("attributes belong to an allowing answer, not to " + outcome);
        }
        Map<String, Object> more = new HashMap<>(attributes);
        more.put(name, value);
        return new AuthResult(outcome, reason, username, serverReference, permanentMove, Map.copyOf(more));
    }

    /** The attributes an allowing answer carries for the authorizers; empty unless {@link #withAttribute} added some. */
    public Map<String, Object> attributes() {
        return attributes;
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

    /** The server a refused 5.0 client is sent to, if this is a redirect. */
    public Optional<String> serverReference() {
        return Optional.ofNullable(serverReference);
    }

    /** For a redirect: true for "server moved" (0x9D), false for "use another server" (0x9C). */
    public boolean isPermanentMove() {
        return permanentMove;
    }

    @Override
    public String toString() {
        return outcome + (reason != null ? "(" + reason + ")" : "") + (username != null ? " as " + username : "");
    }
}
