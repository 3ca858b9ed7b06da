package dev.magpie.admin;

/** Which sessions a client listing shows. */
public enum ClientState {
    /** Sessions with a client connected now. */
    CONNECTED,
    /** Persistent sessions kept while their client is away. */
    DISCONNECTED,
    /** Both. */
    ALL
}
