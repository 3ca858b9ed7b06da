package dev.magpie.server.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the API may answer: over TLS, or on a listener bound to a loopback address (where only this machine can
 * reach it). Anything else would carry admin passwords and tokens in clear text across a network, so it is refused
 * with 403 {@code insecure_listener} before credentials are even looked at.
 */
final class ListenerRule {
    private ListenerRule() {
    }

    /** Whether a request that came over TLS ({@code secure}) or not, on a listener bound to {@code bind}, may be served. */
    static boolean allows(boolean secure, String bind) {
        return secure || isLoopback(bind);
    }

    static boolean isLoopback(String bind) {
        if (bind == null || bind.isEmpty()) {
            return false;
        }
        if (bind.equals("localhost")) {
            return true;
        }
        try {
            // a literal or a name from the config; never a wildcard (0.0.0.0 and :: are not loopback)
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
