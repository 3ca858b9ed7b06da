package dev.magpie.admin;

import java.time.Instant;

/**
 * Counters at one moment; the cumulative ones (messages) count from the broker's start, so a chart takes the
 * difference of two readings.
 *
 * @param time              when read
 * @param startedAt         when the broker started
 * @param connections       network connections open
 * @param sessionsOnline    sessions with a client connected
 * @param sessionsOffline   persistent sessions waiting for their client
 * @param messagesReceived  PUBLISH packets accepted for routing since start
 * @param messagesSent      PUBLISH packets written to subscribers since start
 * @param messagesDropped   messages discarded since start
 * @param subscriptions     subscriptions in the routing tree (a shared group counts once)
 * @param retained          retained messages
 * @param retainedBytes     their topic and payload bytes
 */
public record BrokerStats(Instant time, Instant startedAt, long connections, int sessionsOnline, int sessionsOffline, long messagesReceived,
                          long messagesSent, long messagesDropped, int subscriptions, int retained, long retainedBytes) {
}
