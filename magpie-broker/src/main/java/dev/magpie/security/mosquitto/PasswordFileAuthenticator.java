package dev.magpie.security.mosquitto;

import dev.magpie.security.password.PasswordAuthenticator;
import dev.magpie.security.password.PasswordHasher;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Credentials;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks user name and password against a fixed table of password hashes, typically a mosquitto password
 * file. A client without a user name, or with one the table does not know, gets {@link AuthResult#next()}
 * so another authenticator (or anonymous access) may decide; a known user with a missing or wrong
 * password is denied. An unknown name is then checked against a dummy hash as costly as the costliest in the
 * table ({@link #checkUnknownUser}, called by the authentication chain), so timing does not reveal names.
 *
 * <p>Hashing is deliberately slow (see {@link PasswordHasher}) and runs on the calling thread, which the
 * broker guarantees is its authentication executor, not an event loop. Immutable; to pick up a changed
 * file, load a new instance.
 */
public final class PasswordFileAuthenticator implements PasswordAuthenticator {
    private final Map<String, String> hashes;
    private final PasswordHasher hasher;
    /** Costs as much to check as the costliest hash in the table, so no known name answers slower than an unknown one. */
    private final String dummyHash;

    /** Authenticates against {@code hashes} (user name to encoded hash). */
    public PasswordFileAuthenticator(Map<String, String> hashes, PasswordHasher hasher) {
        this.hashes = Map.copyOf(hashes);
        this.hasher = hasher;
        String costliest = this.hashes.values().stream()
                .max(java.util.Comparator.comparingInt(h -> PasswordHasher.iterationsOf(h).orElse(0))).orElse(null);
        this.dummyHash = hasher.dummyLike(costliest);
    }

    /** Reads a mosquitto password file; see {@link MosquittoPasswordFile} for the format and the errors. */
    public static PasswordFileAuthenticator load(Path file) throws IOException {
        return new PasswordFileAuthenticator(MosquittoPasswordFile.read(file), new PasswordHasher());
    }

    /** The user names this authenticator knows. */
    public Set<String> usernames() {
        return hashes.keySet();
    }

    @Override
    public CompletionStage<AuthResult> authenticate(Credentials credentials) {
        return CompletableFuture.completedFuture(check(credentials));
    }

    @Override
    public void checkUnknownUser(byte[] password) {
        hasher.verify(password == null ? new byte[0] : password, dummyHash);
    }

    private AuthResult check(Credentials credentials) {
        String username = credentials.username();
        if (username == null) {
            return AuthResult.next();
        }
        String hash = hashes.get(username);
        if (hash == null) {
            return AuthResult.next();
        }
        if (credentials.password() == null) {
            return AuthResult.deny("user '" + username + "' gave no password");
        }
        return hasher.verify(credentials.password(), hash)
                ? AuthResult.allow()
                : AuthResult.deny("wrong password for user '" + username + "'");
    }
}
