package dev.magpie.protocol;

import dev.magpie.ClientIdPolicy;
import dev.magpie.codec.ReasonCode;
import dev.magpie.observe.LogSafe;
import dev.magpie.session.Session;
import dev.magpie.session.SessionRegistry;
import dev.magpie.spi.ClientInfo;

/**
 * The CONNECT gate's checks of a client id and user name, kept out of {@link ConnectGate} so that its flow stays
 * readable: no control characters ({@link LogSafe}), the id pattern, and whose session the id names
 * ({@link ClientIdOwnership}). Each returns a {@link Verdict} the gate acts on.
 */
final class ClientIdGate {
    private ClientIdGate() {
    }

    /**
     * What a CONNECT gets: admitted as {@code info} (its id possibly assigned here: {@code assigned}; with
     * {@code transientSession} its session ends with its connection), or refused with {@code refusal} (a CONNACK
     * reason code), {@code reason} (for the log and the 5.0 Reason String) and {@code limit} (the metric tag).
     * {@code existing} is the session the admitted id has now, one the client may use, or null.
     */
    record Verdict(ClientInfo info, boolean assigned, boolean transientSession, Session existing, int refusal, String reason,
                   String limit) {
        static Verdict admit(ClientInfo info, boolean assigned, boolean transientSession, Session existing) {
            return new Verdict(info, assigned, transientSession, existing, ReasonCode.SUCCESS, null, null);
        }

        static Verdict refuse(int refusal, String reason, String limit) {
            return new Verdict(null, false, false, null, refusal, reason, limit);
        }

        boolean refused() {
            return refusal != ReasonCode.SUCCESS;
        }
    }

    /**
     * Client ids and user names with control characters would forge log lines and confuse every tool that shows
     * them: 0x85 Client Identifier not valid / 0x86 Bad User Name or Password (3.1.1: 0x02 / 0x04). Null if both
     * are clean.
     */
    static Verdict unsafeName(String clientId, String username) {
        int inId = LogSafe.firstUnsafe(clientId);
        if (inId >= 0) {
            return Verdict.refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "client identifier contains the control character "
                    + LogSafe.codePoint(clientId, inId) + " at position " + (inId + 1), "unsafe_name");
        }
        int inName = LogSafe.firstUnsafe(username);
        if (inName >= 0) {
            return Verdict.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "user name contains the control character "
                    + LogSafe.codePoint(username, inName) + " at position " + (inName + 1), "unsafe_name");
        }
        return null;
    }

    /**
     * The pattern and the owner of the id's session, after authentication (the user is known): an id the broker
     * assigned is made to fit the pattern; another id that does not fit is refused with 0x85; an id whose session
     * belongs to another user is refused with 0x87 or, with {@link ClientIdPolicy.Ownership#ASSIGN_NEW_ID}, replaced
     * by an assigned one for a session that ends with the connection. The session is looked up, not locked: the
     * registry's {@link SessionRegistry#claim} decides again when a new session is registered.
     */
    static Verdict decide(ClientIdOwnership ownership, SessionRegistry sessions, ClientInfo info, boolean assigned) {
        ClientInfo admitted = info;
        if (!ownership.fitsPattern(info.clientId(), info.username())) {
            if (!assigned) {
                return Verdict.refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "client identifier not allowed for this user", "client_id_pattern");
            }
            admitted = withClientId(info, ownership.assign(info.username())); // assigned before the user was known
        }
        Session existing = sessions.find(admitted.clientId()).orElse(null);
        if (existing == null || ClientIdOwnership.mayUse(existing.owner(), admitted.username())) {
            return Verdict.admit(admitted, assigned, false, existing);
        }
        if (ownership.onForeignSession() == ClientIdPolicy.Ownership.REFUSE) {
            return foreign(admitted);
        }
        return Verdict.admit(withClientId(admitted, ownership.assign(admitted.username())), true, true, null); // a new id: no session
    }

    /**
     * A client id whose session belongs to another user (or an anonymous client's to a named user, or the reverse):
     * 0x87 Not authorized (3.1.1: 0x05), and that session and its connection are left as they are (MQTT 5.0 5.4.2).
     * The Reason String does not say whose session it is.
     */
    static Verdict foreign(ClientInfo info) {
        return Verdict.refuse(ReasonCode.NOT_AUTHORIZED, "client identifier " + info.clientId() + " is in use by another user's session",
                "client_id_owned");
    }

    private static ClientInfo withClientId(ClientInfo info, String clientId) {
        return new ClientInfo(clientId, info.username(), info.remoteAddress(), info.protocolLevel(), info.listener(), info.attributes());
    }
}
