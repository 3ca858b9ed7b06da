package dev.magpie.routing;

import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.session.Session;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The members of one shared subscription {@code $share/<group>/<filter>}: each message goes to one of them
 * [MQTT-4.8.2-2], chosen round-robin, preferring members whose client is connected. Membership changes are
 * rare and copy the list; picking a member reads it without a lock.
 */
final class SharedGroup {
    /** One subscribing session with the options it used. */
    record Member(Session session, Subscription options, int identifier) {
    }

    private final String key;
    private final String filter;
    private final CopyOnWriteArrayList<Member> members = new CopyOnWriteArrayList<>();
    private final AtomicInteger cursor = new AtomicInteger();

    SharedGroup(String key, String filter) {
        this.key = key;
        this.filter = filter;
    }

    /** {@code $share/<group>/<filter>}, as the client wrote it. */
    String key() {
        return key;
    }

    String filter() {
        return filter;
    }

    synchronized void put(Member member) {
        members.removeIf(m -> m.session() == member.session());
        members.add(member);
    }

    synchronized boolean remove(Session session) {
        members.removeIf(m -> m.session() == session);
        return members.isEmpty();
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    /** Members now (a copy-on-write list: a moment's view without a lock). */
    int size() {
        return members.size();
    }

    /** The next member round-robin, skipping {@code excluded}; a connected one if any is. Null if none. */
    Member next(Session excluded) {
        List<Member> snapshot = members;
        int n = snapshot.size();
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        Member fallback = null;
        for (int i = 0; i < n; i++) {
            Member m = snapshot.get((start + i) % n);
            if (m.session() == excluded || m.session().isEnded()) {
                continue;
            }
            if (m.session().isOnline()) {
                return m;
            }
            if (fallback == null) {
                fallback = m;
            }
        }
        return fallback;
    }
}
