package dev.magpie.spi;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What a client presented when it connected. {@code toString} never shows the password.
 *
 * @param clientId          the client identifier from CONNECT (may be assigned by the broker if empty)
 * @param username          the User Name, or {@code null} if the flag was clear
 * @param password          the Password bytes, or {@code null} if the flag was clear
 * @param remoteAddress     the peer address
 * @param certificateChain  the verified TLS client certificate chain, leaf first; empty without one
 * @param listener          the name of the listener the client used
 */
public record Credentials(String clientId, String username, byte[] password, InetSocketAddress remoteAddress,
                          List<X509Certificate> certificateChain, String listener) {

    public Credentials {
        certificateChain = List.copyOf(certificateChain);
    }

    public Optional<String> user() {
        return Optional.ofNullable(username);
    }

    public Optional<X509Certificate> clientCertificate() {
        return certificateChain.isEmpty() ? Optional.empty() : Optional.of(certificateChain.get(0));
    }

    @Override
    public String toString() {
        return "Credentials[clientId=" + clientId + ", username=" + username + ", password=" + (password == null ? "none" : "***")
                + ", remoteAddress=" + remoteAddress + ", certificate=" + !certificateChain.isEmpty() + ", listener=" + listener + "]";
    }
}
