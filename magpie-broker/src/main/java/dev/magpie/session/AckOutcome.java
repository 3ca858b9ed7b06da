package dev.magpie.session;

/**
 * What a PUBACK, PUBREC or PUBCOMP from the client did to the session's outbound flow. The session only keeps the
 * books; deciding that a wrong acknowledgement ends the connection is the protocol layer's job.
 */
public enum AckOutcome {
    /** It moved the message on (or, for PUBREC, answered with PUBREL). */
    ACCEPTED,
    /** No message is in flight with that packet id: ignored (a PUBREC is answered with PUBREL, 0x92 in 5.0). */
    UNKNOWN_ID,
    /**
     * A message is in flight with that id, but waits for another acknowledgement (PUBACK for a QoS 2 message,
     * PUBREC or PUBCOMP for a QoS 1 one, PUBCOMP before PUBREC, PUBACK or PUBREC after PUBREL): a protocol
     * violation. The message is left as it was, to be sent again when the client resumes.
     */
    WRONG_KIND
}
