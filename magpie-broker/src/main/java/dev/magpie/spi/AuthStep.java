package dev.magpie.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One answer of an {@link EnhancedAuthenticator}: challenge the client again, admit it, or refuse it.
 * Reasons are written to the broker's log, never sent to the client (they may name a user that does not
 * exist, which a client must not learn).
 */
public final class AuthStep {

    /** What the broker does with a step. */
    public enum Kind {
        /** Send AUTH 0x18 with {@link #data()} and wait for the client's answer. */
        CHALLENGE,
        /** Admit the client (CONNACK 0x00, or AUTH 0x00 after a re-authentication). */
        SUCCESS,
        /** Refuse the client with {@link #reasonCode()}. */
        FAILURE
    }

    /** Handles the client's answer to a challenge: the Authentication Data of its AUTH 0x18 (empty if none). */
    @FunctionalInterface
    public interface Continuation {
        CompletionStage<AuthStep> respond(byte[] clientData);
    }

    private static final byte[] NONE = new byte[0];
    /** MQTT 5 reason codes, repeated here because this package depends on nothing else of Magpie's. */
    private static final int BAD_USER_NAME_OR_PASSWORD = 0x86;
    private static final int NOT_AUTHORIZED = 0x87;
    private static final int SERVER_UNAVAILABLE = 0x88;
    private static final int USE_ANOTHER_SERVER = 0x9C;
    private static final int SERVER_MOVED = 0x9D;

    private final Kind kind;
    private final byte[] data;
    private final Continuation next;
    private final String username;
    private final int reasonCode;
    private final String reason;
    private final String serverReference;

    private AuthStep(Kind kind, byte[] data, Continuation next, String username, int reasonCode, String reason, String serverReference) {
        this.kind = kind;
        this.data = data;
        this.next = next;
        this.username = username;
        this.reasonCode = reasonCode;
        this.reason = reason;
        this.serverReference = serverReference;
    }

    /** Sends the client AUTH 0x18 with {@code serverData}; its answer goes to {@code next} [MQTT-4.12.0-2]. */
    public static AuthStep challenge(byte[] serverData, Continuation next) {
        return new AuthStep(Kind.CHALLENGE, serverData.clone(), Objects.requireNonNull(next, "next"), null, 0, null, null);
    }

    /** Admits the client under the user name it presented in CONNECT (none if it gave none). */
    public static AuthStep success() {
        return new AuthStep(Kind.SUCCESS, NONE, null, null, 0, null, null);
    }

    /** Admits the client under {@code username}, the identity authorization then sees. */
    public static AuthStep successAs(String username) {
        return successAs(username, NONE);
    }

    /** Admits the client under {@code username} and sends it {@code finalData} (e.g. SCRAM's server signature). */
    public static AuthStep successAs(String username, byte[] finalData) {
        return new AuthStep(Kind.SUCCESS, finalData.clone(), null, Objects.requireNonNull(username, "username"), 0, null, null);
    }

    /** Refuses the client: 0x87 (Not authorized). */
    public static AuthStep notAuthorized(String reason) {
        return failure(NOT_AUTHORIZED, reason, null);
    }

    /** Refuses the client because its secret is wrong or its user unknown: 0x86 (Bad user name or password). */
    public static AuthStep badCredentials(String reason) {
        return failure(BAD_USER_NAME_OR_PASSWORD, reason, null);
    }

    /**
     * Refuses the client for now because the check could not be made (a timeout, a failed back end, a full queue):
     * 0x88 (Server unavailable), which tells the client to retry later, unlike 0x86 or 0x87.
     */
    public static AuthStep serverUnavailable(String reason) {
        return failure(SERVER_UNAVAILABLE, reason, null);
    }

    /** Refuses the client and sends it elsewhere for now: 0x9C (Use another server) with the Server Reference. */
    public static AuthStep useAnotherServer(String serverReference) {
        return failure(USE_ANOTHER_SERVER, "redirected to " + serverReference, Objects.requireNonNull(serverReference, "serverReference"));
    }

    /** Refuses the client and sends it elsewhere for good: 0x9D (Server moved) with the Server Reference. */
    public static AuthStep serverMoved(String serverReference) {
        return failure(SERVER_MOVED, "moved to " + serverReference, Objects.requireNonNull(serverReference, "serverReference"));
    }

    private static AuthStep failure(int code, String reason, String serverReference) {
        return new AuthStep(Kind.FAILURE, NONE, null, null, code, Objects.requireNonNull(reason, "reason"), serverReference);
    }

    public Kind kind() {
        return kind;
    }

    /** Server data for the client: the challenge, or the final data of a success; empty for none. */
    public byte[] data() {
        return data.clone();
    }

    /** The continuation of a challenge. */
    public Optional<Continuation> next() {
        return Optional.ofNullable(next);
    }

    /** For a success: the user name chosen by the authenticator, if it chose one. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** For a failure: the MQTT reason code (0x86, 0x87, 0x9C or 0x9D); 0 otherwise. */
    public int reasonCode() {
        return reasonCode;
    }

    /** For a failure: why, for the log. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /** For a redirect: the server the client is sent to. */
    public Optional<String> serverReference() {
        return Optional.ofNullable(serverReference);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CHALLENGE -> "CHALLENGE(" + data.length + " bytes)";
            case SUCCESS -> "SUCCESS" + (username != null ? " as " + username : "");
            case FAILURE -> String.format("FAILURE(0x%02X, %s)", reasonCode, reason);
        };
    }
}
