package dev.magpie;

import java.util.Objects;

/**
 * Who may use which client identifier. MQTT 5.0 section 5.4.2 asks the server to check that a client may use
 * the client identifier it presents; without that, any user who learns another's client id could take over its
 * connection, resume its persistent session (and with it the subscriptions and queued messages) and fire its
 * will. Immutable; the default ({@link #defaults()}) gives every session to the user that created it:
 *
 * <pre>{@code
 * BrokerLimits limits = BrokerLimits.defaults().toBuilder()
 *         .clientIds(ClientIdPolicy.defaults().withPattern("%u-*"))   // ids must also start with "<user>-"
 *         .build();
 * Broker.builder().limits(limits)...
 * }</pre>
 *
 * @param ownership what happens when a client presents an id whose session belongs to another user
 * @param pattern   an optional rule binding ids to users: {@code %u} stands for the client's user name and
 *                  {@code *} for any run of characters (e.g. {@code %u-*}, {@code %u/*}, {@code sensor-*});
 *                  a CONNECT whose id does not match is refused with 0x85 Client Identifier not valid (3.1.1:
 *                  0x02 Identifier rejected), and a client without a user name cannot match a pattern with
 *                  {@code %u}. Empty: any id. An id the broker assigns (empty client id) is made to match.
 */
public record ClientIdPolicy(Ownership ownership, String pattern) {

    /** What a CONNECT by user B gets for a client id whose session (live or stored) belongs to user A. */
    public enum Ownership {
        /**
         * Refused with 0x87 Not authorized (3.1.1: 0x05); A's session and connection are untouched: no takeover,
         * no will. The default.
         */
        REFUSE,
        /**
         * B is admitted under a client id the broker assigns (5.0: Assigned Client Identifier), with a new session
         * that ends with its connection (Session Present 0, Session Expiry 0); A's session is untouched. Two sessions
         * cannot share one id: the id is what names a session in the subscription tree, the store and no-local,
         * so the newcomer gets an id of its own rather than a second session under A's.
         */
        ASSIGN_NEW_ID
    }

    public ClientIdPolicy {
        Objects.requireNonNull(ownership, "ownership");
        Objects.requireNonNull(pattern, "pattern");
    }

    /** Sessions belong to their creator, any id may be used. */
    public static ClientIdPolicy defaults() {
        return new ClientIdPolicy(Ownership.REFUSE, "");
    }

    public ClientIdPolicy withOwnership(Ownership newOwnership) {
        return new ClientIdPolicy(newOwnership, pattern);
    }

    public ClientIdPolicy withPattern(String newPattern) {
        return new ClientIdPolicy(ownership, newPattern);
    }
}
