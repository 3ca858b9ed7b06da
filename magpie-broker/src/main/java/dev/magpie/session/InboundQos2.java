package dev.magpie.session;

import dev.magpie.codec.Publish;
import dev.magpie.store.StoredSession;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The QoS 2 messages a session's client sent that the broker owns and awaits PUBREL for [MQTT-4.3.3-9], by
 * packet id, each with a fingerprint of its PUBLISH (topic and payload). Two rules live here:
 *
 * <ul>
 *   <li><b>Duplicate or reuse.</b> A PUBLISH whose id is held is the client resending it (not routed again)
 *   if it has DUP set or the same fingerprint; without DUP and with another fingerprint the client finished the
 *   old exchange (it may reuse an id only then [MQTT-2.2.1-3]) and the broker's record is stale, e.g. restored
 *   after a crash that lost the PUBREL's removal: the new message is routed, never swallowed as a
 *   "duplicate" (mosquitto detects reuse the same way).</li>
 *   <li><b>Quota.</b> Only ids taken on the current connection count against the Receive Maximum: ids
 *   carried over from an earlier connection (or restored at start) are completed by the client's PUBREL or
 *   resent PUBLISH, but a client that lost its own state never completes them, and they must not lock it out.</li>
 *   <li><b>Bound.</b> At most {@code maxHeld} ids are held: when a new one needs room, the oldest carried-over
 *   id goes. A client that kept it open would have resent it on reconnecting [MQTT-4.4.0-1]; one that comes
 *   back again and again with new ids never releasing the old ones gets no more memory than one connection.</li>
 * </ul>
 * Confined to the session's thread; the journal is told of every change.
 */
final class InboundQos2 {
    /** What a QoS 2 PUBLISH with a given id is to this session. */
    enum Arrival { NEW, DUPLICATE, REUSED }

    /** A held id: the fingerprint of its PUBLISH and, while the broker's ownership is not durable, its latch. */
    private record Held(long fingerprint, OwnershipLatch ownership) {
    }

    private final Map<Integer, Held> awaiting = new LinkedHashMap<>();
    /** Ids taken on an earlier connection, oldest first; a subset of {@code awaiting}. */
    private final Set<Integer> carriedOver = new LinkedHashSet<>();

    /**
     * The ids held whose routing the broker owns (none waiting for an {@link OwnershipLatch}), with their fingerprints:
     * what a next owner must know to refuse the client's resend [MQTT-4.3.3-9]. One still waiting is left out, so a
     * resend is routed again rather than never.
     */
    void owned(java.util.List<StoredSession.InboundQos2> out) {
        awaiting.forEach((packetId, held) -> {
            if (held.ownership() == null || held.ownership().isReleased()) {
                out.add(new StoredSession.InboundQos2(packetId, held.fingerprint()));
            }
        });
    }

    /** The fingerprint of a QoS 2 PUBLISH as received: stable across JVMs (String and array hash codes are specified). */
    static long fingerprint(Publish publish) {
        long f = ((long) publish.topic().hashCode() << 32) ^ (Arrays.hashCode(publish.payload()) & 0xFFFF_FFFFL);
        return f == StoredSession.InboundQos2.UNKNOWN ? 1 : f;
    }

    /**
     * {@code ownership} (null when nothing waits for the disk) is what the routed copies of a NEW message wait for;
     * the id is journaled as not yet owned under its token.
     */
    Arrival begin(int packetId, long fingerprint, boolean dup, int maxHeld, OwnershipLatch ownership, SessionJournal journal) {
        Held held = awaiting.get(packetId);
        if (held != null) {
            // DUP says "a resend of what you have" [MQTT-3.3.1-1]: never routed again, whatever it carries; without
            // DUP, the same content is a lenient client resending, other content a new message on a finished id
            if (dup || held.fingerprint() == fingerprint) {
                return Arrival.DUPLICATE;
            }
            carriedOver.remove(packetId); // the stale record goes; the new message takes the id on this connection
        }
        Iterator<Integer> oldest = carriedOver.iterator();
        while (held == null && awaiting.size() >= maxHeld && oldest.hasNext()) {
            int stale = oldest.next();
            oldest.remove();
            awaiting.remove(stale);
            journal.inboundQos2(stale, 0, 0, false);
        }
        awaiting.put(packetId, new Held(fingerprint, ownership));
        journal.inboundQos2(packetId, fingerprint, ownership == null ? 0 : ownership.token(), true);
        return held == null ? Arrival.NEW : Arrival.REUSED;
    }

    boolean release(int packetId, SessionJournal journal) {
        if (awaiting.remove(packetId) == null) {
            return false;
        }
        carriedOver.remove(packetId);
        journal.inboundQos2(packetId, 0, 0, false);
        return true;
    }

    /** The routing of the message holding {@code packetId} is durable; its latch opens once that is committed. */
    void owned(int packetId, SessionJournal journal) {
        Held held = awaiting.get(packetId);
        if (held != null && held.ownership() != null) {
            awaiting.put(packetId, new Held(held.fingerprint(), null));
            journal.inboundQos2Owned(packetId);
        }
    }

    /** The latch a held id's ownership is still waiting for, or null (owned, or not held). */
    OwnershipLatch pendingOwnership(int packetId) {
        Held held = awaiting.get(packetId);
        return held == null ? null : held.ownership();
    }

    void restore(int packetId, long fingerprint) {
        awaiting.put(packetId, new Held(fingerprint, null));
        carriedOver.add(packetId);
    }

    /** A new connection attached: what is held now was taken on an earlier one. */
    void newConnection() {
        carriedOver.addAll(awaiting.keySet());
    }

    int pending() {
        return awaiting.size();
    }

    int pendingOnThisConnection() {
        return awaiting.size() - carriedOver.size();
    }

    void clear() {
        awaiting.clear();
        carriedOver.clear();
    }
}
