package dev.magpie.server.security;

import dev.magpie.security.password.PasswordAuthenticator;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Credentials;

import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link Authenticator} that delegates to whichever authenticator it currently holds, so a reloaded
 * password file replaces the old one in one step: a CONNECT is checked entirely against the old table or
 * entirely against the new one. It is a {@link PasswordAuthenticator} so the chain can have an unknown name
 * checked against the current table's dummy hash (nothing is done if the current one is not a password table).
 */
public final class SwappableAuthenticator implements PasswordAuthenticator {
    private final AtomicReference<Authenticator> current;

    public SwappableAuthenticator(Authenticator initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    public Authenticator current() {
        return current.get();
    }

    public void swap(Authenticator next) {
        current.set(Objects.requireNonNull(next, "next"));
    }

    @Override
    public void checkUnknownUser(byte[] password) {
        if (current.get() instanceof PasswordAuthenticator table) {
            table.checkUnknownUser(password);
        }
    }

    @Override
    public CompletionStage<AuthResult> authenticate(Credentials credentials) {
        return current.get().authenticate(credentials);
    }
}
