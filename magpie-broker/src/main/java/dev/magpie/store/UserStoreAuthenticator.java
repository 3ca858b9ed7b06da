package dev.magpie.store;

import dev.magpie.security.password.PasswordAuthenticator;
import dev.magpie.security.password.PasswordHasher;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Credentials;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks CONNECT credentials against a {@link UserStore}:
 * <ul>
 *   <li>no user name, or a name the store does not know: {@link AuthResult#next()}, so a later
 *       authenticator (a password file) or the listener's anonymous setting decides;</li>
 *   <li>a known user without a password, or with a wrong one: deny;</li>
 *   <li>a known user with the right password: allow.</li>
 * </ul>
 *
 * <p>An unknown name answers {@code NEXT} at once; the authentication chain then has {@link #checkUnknownUser}
 * do the work of a real check, so the response time does not tell which names exist.
 *
 * <p><b>Threads:</b> the lookup is a blocking JDBC query and the check a deliberately slow PBKDF2 hash, both
 * done on the calling thread before the returned stage completes. That is fine because the broker calls
 * authenticators on its {@code magpie-auth} executor, never on a network event loop. The store is read on
 * every CONNECT, so users added, changed or removed with {@code magpie user} count from the next login on.
 * If the store fails (the file vanished, a disk error) the stage fails and the broker refuses the client.
 */
public final class UserStoreAuthenticator implements PasswordAuthenticator {
    private final UserStore store;
    private final PasswordHasher verifier; // verify reads the cost from each hash
    /** What an unknown user's password is checked against: the cost of a hash {@code magpie user add} writes. */
    private final String dummyHash;

    public UserStoreAuthenticator(UserStore store) {
        this(store, new PasswordHasher());
    }

    /** As {@link #UserStoreAuthenticator(UserStore)}; {@code hasher}'s iteration count sets the unknown-user cost. */
    public UserStoreAuthenticator(UserStore store, PasswordHasher hasher) {
        this.store = Objects.requireNonNull(store, "store");
        this.verifier = Objects.requireNonNull(hasher, "hasher");
        this.dummyHash = hasher.dummy();
    }

    public UserStore store() {
        return store;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(Credentials credentials) {
        try {
            return CompletableFuture.completedFuture(check(credentials));
        } catch (UserStoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private AuthResult check(Credentials credentials) {
        String username = credentials.username();
        if (username == null) {
            return AuthResult.next();
        }
        Optional<String> hash = store.hashOf(username);
        if (hash.isEmpty()) {
            return AuthResult.next();
        }
        if (credentials.password() == null) {
            return AuthResult.deny("user '" + username + "' gave no password");
        }
        return verifier.verify(credentials.password(), hash.get())
                ? AuthResult.allow()
                : AuthResult.deny("wrong password for user '" + username + "'");
    }

    /** Checks against a dummy hash of the default cost, so an unknown name is refused as slowly as a wrong password. */
    @Override
    public void checkUnknownUser(byte[] password) {
        verifier.verify(password == null ? new byte[0] : password, dummyHash);
    }

    @Override
    public String toString() {
        return "UserStoreAuthenticator[" + store.location() + "]";
    }
}
