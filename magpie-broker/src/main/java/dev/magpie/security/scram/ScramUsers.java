package dev.magpie.security.scram;

import java.util.Optional;

/**
 * Where {@link ScramAuthenticator} finds users' SCRAM-SHA-256 credentials. Called on the authentication
 * executor, so it may block (a database query); a runtime exception refuses the client.
 */
@FunctionalInterface
public interface ScramUsers {

    /** The credential of {@code username}; empty if there is no such user or it has no SCRAM credential. */
    Optional<ScramCredential> credentialOf(String username);

    /**
     * Why {@code username} has no credential, for the log line when its login is refused; says what to do if
     * an operator can fix it (e.g. "set the password again"). Called only after {@link #credentialOf} was empty.
     */
    default String whyNoCredential(String username) {
        return "unknown user '" + username + "'";
    }
}
