package dev.magpie.session;

import java.time.Instant;
import java.util.Objects;

/**
 * What a client asked for when its current (or last) connection was accepted, kept with the session so an
 * administrator can see it ({@code dev.magpie.admin}): when, its keep-alive as granted, and Clean Start.
 *
 * @param connectedAt      when the CONNACK was sent
 * @param keepAliveSeconds the keep-alive in force (the server's if it overrode the client's), 0 = none
 * @param cleanStart       the CONNECT's Clean Start (3.1.1: Clean Session) flag
 */
public record ConnectionTerms(Instant connectedAt, int keepAliveSeconds, boolean cleanStart) {
    public ConnectionTerms {
        Objects.requireNonNull(connectedAt, "connectedAt");
    }
}
