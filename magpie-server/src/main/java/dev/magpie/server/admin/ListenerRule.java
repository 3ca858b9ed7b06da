package dev.magpie.server.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the admin API and the dashboard may answer: over TLS, or on a listener bound to a loopback address (where
 * only this machine can reach it). Anything else would carry admin passwords and tokens in clear text across a
 * network, so it is refused with 403 ({@code insecure_listener} for the API) before credentials are even looked at.
 * The one home of that rule: {@code AdminApi}, {@code AdminSetup} and {@code DashboardRoute} all ask it.
 *
 * <pre>{@code
 * ListenerRule.allows(false, "127.0.0.1");   // true: plain HTTP on loopback
 * ListenerRule.allows(false, "0.0.0.0");     // false: plain HTTP on every interface
 * ListenerRule.allows(true, "0.0.0.0");      // true: TLS
 * }</pre>
 */
public final class ListenerRule {
    private ListenerRule() {
    }

    /** Whether a request that came over TLS ({@code secure}) or not, on a listener bound to {@code bind}, may be served. */
    public static boolean allows(boolean secure, String bind) {
        return secure || isLoopback(bind);
    }

    /**
     * Whether a bind address is a loopback one: {@code localhost}, or an address literal in 127.0.0.0/8 or {@code ::1}
     * (with or without brackets). A wildcard ({@code 0.0.0.0}, {@code ::}) is not; nor is any other host name, even
     * one that resolves to loopback today: that would need DNS, and a name can change.
     */
    public static boolean isLoopback(String bind) {
        if (bind == null || bind.isEmpty()) {
            return false;
        }
        String host = bind.startsWith("[") && bind.endsWith("]") ? bind.substring(1, bind.length() - 1) : bind;
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress(); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
