package dev.magpie.admin;

import java.time.Instant;

/**
 * One session as a client listing shows it; counts are a moment's view.
 *
 * @param clientId      the client identifier
 * @param username      the user that owns the session, null for an anonymous client
 * @param address       the client's IP address (of the current or last connection), null if unknown
 * @param connected     whether a client is connected with it now
 * @param protocol      "3.1", "3.1.1" or "5.0"
 * @param connectedAt   when the current (or last) connection was accepted, null if none since start
 * @param keepAlive     the keep-alive in seconds of that connection (0: none or unknown)
 * @param cleanStart    its Clean Start flag
 * @param sessionExpiry the Session Expiry Interval in seconds (0: the session ends with the connection)
 * @param subscriptions how many subscriptions it holds
 * @param inflight      QoS 1/2 messages sent and not yet acknowledged
 * @param queued        messages waiting to be sent
 */
public record ClientSummary(String clientId, String username, String address, boolean connected, String protocol, Instant connectedAt,
                            int keepAlive, boolean cleanStart, long sessionExpiry, int subscriptions, int inflight, int queued) {
}
