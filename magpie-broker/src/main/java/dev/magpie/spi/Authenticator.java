package dev.magpie.spi;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a connecting client may in. Authenticators form a chain in the order they were added:
 * the first that answers allow or deny decides; {@link AuthResult#next()} passes to the next one; if all
 * pass, the client is refused (fail closed) unless the listener allows anonymous clients and the client
 * gave no user name; it is then anonymous. With no authenticator configured at all, a listener that allows
 * anonymous clients accepts every client under the user name it presented (unverified), and a listener that
 * does not refuses everyone.
 *
 * <p><b>Threading:</b> called on the broker's authentication executor, never on a network event loop, so
 * a blocking lookup (JDBC, HTTP) is acceptable. The returned stage may complete later on any thread; if it
 * has not completed within the configured authentication timeout, or completes exceptionally, the client
 * is refused with "server unavailable".
 *
 * <pre>{@code
 * Authenticator users = credentials -> CompletableFuture.completedFuture(
 *         "test".equals(credentials.username()) && Arrays.equals("123456".getBytes(), credentials.password())
 *                 ? AuthResult.allow() : AuthResult.deny("bad user name or password"));
 * }</pre>
 */
@FunctionalInterface
public interface Authenticator {
    CompletionStage<AuthResult> authenticate(Credentials credentials);
}
