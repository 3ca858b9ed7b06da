package dev.magpie.session;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.magpie.cluster.MessageStamp;

/**
 * The deliveries routed to a session that has just arrived from another cluster node, while that node (its previous
 * owner) still hands over what it had not delivered. Those handed-over messages are older than anything routed here
 * since the session arrived, and some came both ways (a publisher routed them to both nodes while each held a copy of
 * the session). So the routed ones wait here until the previous owner says it is done, then follow the handed-over
 * ones, less those that came both ways (told apart by their {@link MessageStamp}): each message once
 * [MQTT-4.3.3-10], in the order it was published [MQTT-4.6.0-6].
 *
 * <p>Bounded: past {@link #MAX_HELD} deliveries the hold gives up and everything goes on (the session's own queue
 * bounds apply from there). The held deliveries are not in the session's store yet: a death of this node during the
 * hold (a fraction of a second between two nodes) loses them, as it would lose an unacknowledged QoS 0 message.
 * Used on the session's thread only.
 */
final class ArrivalHold {
    static final int MAX_HELD = 10_000;

    private final String fromNode;
    private final List<Held> held = new ArrayList<>();
    private final Set<MessageStamp> handedOver = new HashSet<>();

    /** A routed delivery waiting; the hold owns one reference on {@code publication}. */
    record Held(Publication publication, Delivery delivery) {
    }

    ArrivalHold(String fromNode) {
        this.fromNode = fromNode;
    }

    /** Whether {@code nodeId} is the previous owner this hold waits for ({@code null}: whichever, a timeout). */
    boolean waitsFor(String nodeId) {
        return nodeId == null || nodeId.equals(fromNode);
    }

    /** Keeps a routed delivery (taking a reference of its own); false when the hold is full and keeps nothing. */
    boolean hold(Publication publication, Delivery delivery) {
        if (held.size() >= MAX_HELD) {
            return false;
        }
        held.add(new Held(publication.retain(), delivery));
        return true;
    }

    /** A message the previous owner handed over was delivered: a routed copy of it is not delivered again. */
    void handedOver(MessageStamp stamp) {
        if (stamp != null) {
            handedOver.add(stamp);
        }
    }

    /**
     * Ends the hold: the held deliveries that did not also come handed over, in the order they arrived, each with its
     * reference for the caller to release; the references of the others are released here.
     */
    List<Held> release() {
        List<Held> going = new ArrayList<>(held.size());
        for (Held h : held) {
            MessageStamp stamp = h.publication().stamp();
            if (stamp != null && handedOver.contains(stamp)) {
                h.publication().release();
            } else {
                going.add(h);
            }
        }
        held.clear();
        handedOver.clear();
        return going;
    }

    /** Ends the hold with nothing delivered (the session ended). */
    void discard() {
        held.forEach(h -> h.publication().release());
        held.clear();
        handedOver.clear();
    }

    int size() {
        return held.size();
    }
}
