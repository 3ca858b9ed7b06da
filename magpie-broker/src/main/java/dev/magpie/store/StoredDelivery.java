package dev.magpie.store;

import java.util.List;
import java.util.Objects;

/**
 * A QoS 1/2 message on its way to a persistent session: waiting in its queue, or sent and not yet
 * acknowledged (in flight).
 *
 * @param key             queued: the message's place in the queue (ascending); in flight: its packet id
 * @param state           {@link #QUEUED}, {@link #AWAIT_PUBACK}, {@link #AWAIT_PUBREC} or {@link #AWAIT_PUBCOMP}
 * @param message         the message; for one in flight, exactly the PUBLISH that was sent (QoS, properties)
 * @param retain          the RETAIN flag it is (or was) sent with
 * @param subscriptionIds queued: the Subscription Identifiers to send with it; in flight: empty (they are in
 *                        the sent message's properties)
 * @param sharedGroup     the shared subscription ({@code $share/<group>/<filter>}) it came through, or {@code null}:
 *                        such a message belongs to the group and may go to another member (spec 4.8.2)
 * @param origin          the token of the inbound QoS 2 PUBLISH it was routed from while the broker's ownership of
 *                        that PUBLISH was not yet durable, 0 otherwise: if the ownership never reached the disk, the
 *                        restart drops this copy (the client resends the PUBLISH, which is routed again)
 */
public record StoredDelivery(long key, int state, StoredMessage message, boolean retain, List<Integer> subscriptionIds,
                             String sharedGroup, long origin) {
    public static final int QUEUED = 0;
    public static final int AWAIT_PUBACK = 1;
    public static final int AWAIT_PUBREC = 2;
    public static final int AWAIT_PUBCOMP = 3;

    public StoredDelivery {
        Objects.requireNonNull(message, "message");
        subscriptionIds = List.copyOf(subscriptionIds);
        if (state < QUEUED || state > AWAIT_PUBCOMP) {
            throw new IllegalArgumentException("state must be 0..3, was " + state);
        }
    }

    /** A delivery that did not come through a shared subscription. */
    public StoredDelivery(long key, int state, StoredMessage message, boolean retain, List<Integer> subscriptionIds) {
        this(key, state, message, retain, subscriptionIds, null, 0);
    }

    /** A delivery with no pending origin. */
    public StoredDelivery(long key, int state, StoredMessage message, boolean retain, List<Integer> subscriptionIds, String sharedGroup) {
        this(key, state, message, retain, subscriptionIds, sharedGroup, 0);
    }

    public boolean inflight() {
        return state != QUEUED;
    }
}
