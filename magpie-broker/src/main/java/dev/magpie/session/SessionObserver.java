package dev.magpie.session;

import dev.magpie.codec.Publish;
import dev.magpie.spi.ClientInfo;

/** What a session reports upwards (events and metrics), implemented outside this package. */
public interface SessionObserver {

    /** A PUBLISH was written to the subscriber's connection. */
    void delivered(ClientInfo subscriber, Publish publish);

    /** A message for this session was discarded; {@code reason} says why. */
    void dropped(ClientInfo subscriber, Publish publish, DropReason reason);

    /**
     * The session's queue is full and messages are being dropped: called once per overflow (again only after the
     * queue has drained some); {@code byBytes} tells whether the byte bound rather than the count was reached.
     */
    void queueOverflow(ClientInfo subscriber, String clientId, int queuedMessages, long queuedBytes, boolean byBytes);
}
