package dev.magpie.protocol;

import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;

/**
 * The rules of a session's life in one place, as pure functions of what the client sent and what the broker
 * holds: how long a session outlives its connection, whether a CONNECT resumes or starts afresh, what happens to
 * a will on takeover, on a DISCONNECT and on a lost connection. {@link ConnectGate}, {@link MqttConnection} and
 * {@link SessionLifecycle} act on these decisions; {@code SessionRulesTest} checks each against the spec without
 * a socket.
 */
final class SessionRules {

    private SessionRules() {
    }

    /**
     * The Session Expiry Interval a CONNECT asks for, capped by {@code maxExpirySeconds}: 5.0 says it in a property
     * (absent = 0, the session ends with the connection [MQTT-3.1.2-23]); 3.1.1 Clean Session 0 means "keep it", for
     * the broker's maximum, and Clean Session 1 means 0 [MQTT-3.1.2-6].
     */
    static long expiryAtConnect(Connect connect, long maxExpirySeconds) {
        if (connect.version().isV5()) {
            return Math.min(connect.properties().unsignedInt(PropertyId.SESSION_EXPIRY_INTERVAL, 0), maxExpirySeconds);
        }
        return connect.cleanStart() ? 0 : maxExpirySeconds;
    }

    /** What a CONNECT does with the session its client id has. */
    enum Opening {
        /** A new session; any existing one ends first (and its live connection is taken over). */
        FRESH,
        /** The existing session goes on with this connection (Session Present 1 [MQTT-3.2.2-3]). */
        RESUME
    }

    /**
     * Clean Start discards any existing session [MQTT-3.1.2-4]; without one there is nothing to resume. A live session
     * that is not persistent (expiry 0: 3.1.1 Clean Session 1, 5.0 Session Expiry 0) lasts as long as its network
     * connection [MQTT-3.1.2-6], 5.0 section 3.1.2.11.2, so taking its connection over ends it too: the new client
     * starts afresh, Session Present 0 [MQTT-3.2.2-2].
     */
    static Opening opening(boolean cleanStart, boolean exists, boolean existingConnected, long existingExpirySeconds) {
        if (cleanStart || !exists || (existingConnected && existingExpirySeconds == 0)) {
            return Opening.FRESH;
        }
        return Opening.RESUME;
    }

    /**
     * A connection is taken over: its will is published unless it has a Will Delay Interval and the session goes
     * on, since the client is back before the delay passed [MQTT-3.1.2-8], [MQTT-3.1.3-9]; a session that ends here
     * takes its will with it (the will goes when the delay passes or the session ends, whichever is first, 3.1.2.5).
     */
    static boolean publishWillAtTakeover(Connect.Will will, boolean sessionEnds) {
        if (will == null) {
            return false;
        }
        return sessionEnds || will.properties().unsignedInt(PropertyId.WILL_DELAY_INTERVAL, 0) == 0;
    }

    /**
     * What a client's DISCONNECT decides.
     *
     * @param protocolError a 5.0 DISCONNECT raising the expiry from 0: DISCONNECT 0x82, the expiry stays 0, and
     *                      the will is published as after any close without a normal DISCONNECT (3.14.2.2.2)
     * @param publishWill   whether the will is published when the connection closes: a normal DISCONNECT
     *                      discards it [MQTT-3.14.4-3], 5.0 reason 0x04 asks for it
     * @param newExpiry     the expiry from now on (capped), or -1 to keep the one from CONNECT
     */
    record OnDisconnect(boolean protocolError, boolean publishWill, long newExpiry) {
    }

    static OnDisconnect onDisconnect(Disconnect d, boolean v5, boolean connectExpiryZero, long maxExpirySeconds) {
        boolean sets = v5 && d.properties().has(PropertyId.SESSION_EXPIRY_INTERVAL);
        long requested = sets ? d.properties().unsignedInt(PropertyId.SESSION_EXPIRY_INTERVAL, 0) : 0;
        if (sets && connectExpiryZero && requested != 0) {
            return new OnDisconnect(true, true, -1); // [MQTT-3.14.2-2]
        }
        return new OnDisconnect(false, d.reasonCode() == ReasonCode.DISCONNECT_WITH_WILL,
                sets ? Math.min(requested, maxExpirySeconds) : -1);
    }

    /**
     * A connection was lost (or closed without a normal DISCONNECT): how many seconds its will waits, 0 for at once.
     * It waits for its Will Delay Interval or until the session ends, whichever is first [MQTT-3.1.3-9]; a session
     * that ends now (expiry 0) publishes it now.
     */
    static long willDelayOnLoss(Connect.Will will, long expirySeconds) {
        long delay = will.properties().unsignedInt(PropertyId.WILL_DELAY_INTERVAL, 0);
        return delay == 0 || expirySeconds == 0 ? 0 : Math.min(delay, expirySeconds);
    }
}
