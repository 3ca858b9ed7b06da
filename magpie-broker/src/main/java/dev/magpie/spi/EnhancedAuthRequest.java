package dev.magpie.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link EnhancedAuthenticator} is given to begin an exchange.
 *
 * @param method             the Authentication Method the client named
 * @param data               the Authentication Data of the CONNECT or AUTH 0x19; empty if the client sent none
 * @param credentials        what the client presented in CONNECT: client id (assigned if it sent none), the
 *                           User Name and Password fields if set, address, certificate chain, listener
 * @param authenticatedUser  for a re-authentication, the user name the connection was admitted under, or
 *                           {@code null} (at CONNECT, or for a connection admitted without a user name)
 * @param reauthentication   true when a connected client sent AUTH 0x19
 */
public record EnhancedAuthRequest(String method, byte[] data, Credentials credentials, String authenticatedUser,
                                  boolean reauthentication) {

    public EnhancedAuthRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(credentials, "credentials");
        data = data.clone();
    }

    /** The Authentication Data (a copy: the request may be shared). */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The user name of the connection being re-authenticated, if any. */
    public Optional<String> currentUser() {
        return Optional.ofNullable(authenticatedUser);
    }

    public boolean isReauthentication() {
        return reauthentication;
    }

    @Override
    public String toString() {
        return "EnhancedAuthRequest[" + method + ", " + data.length + " bytes, " + credentials + (reauthentication ? ", re-authentication" : "") + "]";
    }
}
