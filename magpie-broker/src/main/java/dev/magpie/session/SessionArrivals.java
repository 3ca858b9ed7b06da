package dev.magpie.session;

import java.util.HashMap;
import java.util.Map;

import dev.magpie.cluster.NodeIdentity;

/**
 * Where a delivery enters a session, on its thread: into the outbox ({@link SessionOutbox#deliverNow}), unless the
 * session has just arrived from another cluster node that still hands over what it had not delivered, while routed
 * deliveries wait behind those ({@link ArrivalHold}); and, per sending node, how far into this cluster node's inbox
 * the session got ({@link #inboxMarks}), which its copy in the cluster store carries.
 */
final class SessionArrivals {
    private final SessionOutbox outbox;
    private Map<NodeIdentity, Long> inboxMarks;
    /** Set while the previous owner, another cluster node, hands the session over. */
    private ArrivalHold hold;

    SessionArrivals(SessionOutbox outbox) {
        this.outbox = outbox;
    }

    /**
     * A delivery reached the session ({@code handedOver}: from its previous owner). The caller keeps its reference on
     * {@code publication}; a held one takes its own.
     */
    void arrive(Publication publication, Delivery delivery, boolean handedOver) {
        if (hold != null) {
            if (handedOver) {
                hold.handedOver(publication.stamp());
            } else if (hold.hold(publication, delivery)) {
                return; // it follows the handed-over messages
            } else {
                endHold(null); // the hold is full: everything goes on
            }
        }
        deliverHere(publication, delivery);
    }

    private void deliverHere(Publication publication, Delivery delivery) {
        if (publication.inboxOrigin() != null) {
            inboxMarks = inboxMarks == null ? new HashMap<>(2) : inboxMarks;
            inboxMarks.merge(publication.inboxOrigin(), publication.inboxSeq(), Math::max);
        }
        outbox.deliverNow(publication, delivery);
    }

    /** Routed deliveries wait for node {@code fromNode}'s hand-over from now on. */
    void holdFor(String fromNode) {
        hold = new ArrivalHold(fromNode);
    }

    /** {@code fromNode} ({@code null}: whichever) handed over all it had: the held deliveries follow. */
    void endHold(String fromNode) {
        ArrivalHold ending = hold;
        if (ending == null || !ending.waitsFor(fromNode)) {
            return;
        }
        hold = null;
        for (ArrivalHold.Held h : ending.release()) {
            try {
                deliverHere(h.publication(), h.delivery());
            } finally {
                h.publication().release();
            }
        }
    }

    /** The session ended: what is held goes nowhere. */
    void discard() {
        if (hold != null) {
            hold.discard();
            hold = null;
        }
    }

    /** Per sending node, the highest seq of this cluster node's inbox that reached the session (a copy). */
    Map<NodeIdentity, Long> inboxMarks() {
        return inboxMarks == null ? Map.of() : Map.copyOf(inboxMarks);
    }
}
