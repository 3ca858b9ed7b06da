package dev.magpie.store;

import dev.magpie.security.scram.ScramAuthenticator;
import dev.magpie.security.scram.ScramCredential;
import dev.magpie.security.scram.ScramUsers;
import dev.magpie.spi.AuthStep;
import dev.magpie.spi.EnhancedAuthRequest;
import dev.magpie.spi.EnhancedAuthenticator;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * SCRAM-SHA-256 enhanced authentication ({@link ScramAuthenticator}) against the users of a {@link UserStore}.
 * The store is read at every login, so users added or changed with {@code magpie user} count at once. A user
 * whose password was set before the database held SCRAM credentials is refused, and the log line says to set
 * its password again ({@code magpie user passwd NAME}); it can still log in with user name and password.
 *
 * <p>Runs on the broker's authentication executor (the lookup is a blocking query). If the store fails, the
 * exchange fails and the client is refused.
 */
public final class UserStoreScramAuthenticator implements EnhancedAuthenticator {
    private final UserStore store;
    private final ScramAuthenticator scram;

    public UserStoreScramAuthenticator(UserStore store) {
        this.store = Objects.requireNonNull(store, "store");
        this.scram = new ScramAuthenticator(new ScramUsers() {
            @Override
            public Optional<ScramCredential> credentialOf(String username) {
                return store.scramCredentialOf(username);
            }

            @Override
            public String whyNoCredential(String username) {
                return store.hashOf(username).isEmpty() ? "unknown user '" + username + "'"
                        : "user '" + username + "' has no SCRAM-SHA-256 credential (its password was set before"
                        + " SCRAM support): set it again with 'magpie user passwd " + username + "'";
            }
        });
    }

    @Override
    public String method() {
        return ScramAuthenticator.METHOD;
    }

    @Override
    public CompletionStage<AuthStep> start(EnhancedAuthRequest request) {
        return scram.start(request);
    }

    @Override
    public String toString() {
        return "UserStoreScramAuthenticator[" + store.location() + "]";
    }
}
