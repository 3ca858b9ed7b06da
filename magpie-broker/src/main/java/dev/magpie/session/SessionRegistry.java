package dev.magpie.session;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Client id to session, for the whole broker, and what each user's sessions hold together (sessions and
 * subscriptions per user, for the per-user quotas). Lookups are lock-free; registering a session is a
 * compare-and-swap, so two clients connecting with the same id at the same moment cannot both win.
 */
public final class SessionRegistry {
    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicInteger> sessionsByOwner = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicInteger> subscriptionsByOwner = new ConcurrentHashMap<>();
    private final int maxSessionsPerOwner;
    private final int maxSubscriptionsPerOwner;

    /** A registry without per-user bounds. */
    public SessionRegistry() {
        this(0, 0);
    }

    /**
     * @param maxSessionsPerOwner      sessions one user name may own (0 = no bound; anonymous sessions are not bound)
     * @param maxSubscriptionsPerOwner subscriptions one user name's sessions may hold together (0 = no bound)
     */
    public SessionRegistry(int maxSessionsPerOwner, int maxSubscriptionsPerOwner) {
        this.maxSessionsPerOwner = maxSessionsPerOwner;
        this.maxSubscriptionsPerOwner = maxSubscriptionsPerOwner;
    }

    public Optional<Session> find(String clientId) {
        return Optional.ofNullable(sessions.get(clientId));
    }

    /** Returns the existing session for the id, or registers the one {@code factory} makes. */
    public Session getOrCreate(String clientId, Supplier<Session> factory) {
        return sessions.computeIfAbsent(clientId, id -> {
            Session created = factory.get();
            count(sessionsByOwner, created.owner(), 1);
            return created;
        });
    }

    /** Registers {@code replacement}, returning the session it replaced (or null). */
    public Session replace(String clientId, Session replacement) {
        Session previous = sessions.put(clientId, replacement);
        if (previous == null) {
            count(sessionsByOwner, replacement.owner(), 1);
        }
        return previous;
    }

    /** Why a {@link #claim} registered nothing. */
    public enum Refusal {
        /** Registered. */
        NONE,
        /** A session of another owner holds the client id. */
        OWNED_BY_ANOTHER_USER,
        /** The owner has {@code maxSessionsPerOwner} sessions already. */
        SESSIONS_PER_USER
    }

    /**
     * What {@link #claim} did: {@code refusal} says why nothing changed, or it is {@link Refusal#NONE} and
     * {@code replaced} is the session the claim displaced, or null.
     */
    public record Claim(Refusal refusal, Session replaced) {
        public boolean refused() {
            return refusal != Refusal.NONE;
        }
    }

    /**
     * Registers {@code replacement} for its client id unless a session of another owner holds the id or its owner
     * would pass the sessions-per-user bound, in one atomic step: two users connecting with one new id at the same
     * moment cannot displace each other's session.
     */
    public Claim claim(Session replacement) {
        Session[] displaced = new Session[1];
        Refusal[] refusal = {Refusal.NONE};
        String owner = replacement.owner();
        sessions.compute(replacement.clientId(), (id, current) -> {
            if (current != null && !Objects.equals(current.owner(), owner)) {
                refusal[0] = Refusal.OWNED_BY_ANOTHER_USER;
                return current;
            }
            if (current == null) {
                if (owner != null && maxSessionsPerOwner > 0 && sessionsOf(owner) >= maxSessionsPerOwner) {
                    refusal[0] = Refusal.SESSIONS_PER_USER;
                    return null;
                }
                count(sessionsByOwner, owner, 1);
            }
            displaced[0] = current;
            return replacement;
        });
        return new Claim(refusal[0], displaced[0]);
    }

    /** Removes the mapping only if it still points at {@code session}. */
    public boolean remove(Session session) {
        boolean removed = sessions.remove(session.clientId(), session);
        if (removed) {
            count(sessionsByOwner, session.owner(), -1);
        }
        return removed;
    }

    /** Sessions user {@code owner} owns, connected or not. */
    public int sessionsOf(String owner) {
        AtomicInteger n = owner == null ? null : sessionsByOwner.get(owner);
        return n == null ? 0 : n.get();
    }

    /** Subscriptions the sessions of user {@code owner} hold together. */
    public int subscriptionsOf(String owner) {
        AtomicInteger n = owner == null ? null : subscriptionsByOwner.get(owner);
        return n == null ? 0 : n.get();
    }

    /**
     * Whether user {@code owner} may hold one more subscription; anonymous clients are bound per client only. Checked
     * before a subscription is added, so clients of one user subscribing at the same instant on several threads may
     * pass the bound by the few that raced.
     */
    public boolean maySubscribeOneMore(String owner) {
        return owner == null || maxSubscriptionsPerOwner <= 0 || subscriptionsOf(owner) < maxSubscriptionsPerOwner;
    }

    /** Called by sessions as their subscriptions come and go. */
    void subscriptionsChanged(String owner, int delta) {
        count(subscriptionsByOwner, owner, delta);
    }

    private static void count(ConcurrentMap<String, AtomicInteger> counts, String owner, int delta) {
        if (owner == null || delta == 0) {
            return;
        }
        counts.compute(owner, (k, n) -> {
            int value = (n == null ? 0 : n.get()) + delta;
            if (value <= 0) {
                return null; // no entry for users without sessions: the map stays as small as the active users
            }
            if (n == null) {
                return new AtomicInteger(value);
            }
            n.set(value);
            return n;
        });
    }

    public Collection<Session> all() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    public int size() {
        return sessions.size();
    }

    /**
     * Sessions with a connection attached, counted now: O(sessions), for a gauge read when metrics are scraped. Each
     * session's connection is read from this (the scraping) thread, so the count is a moment's view, not a snapshot.
     */
    public int online() {
        int n = 0;
        for (Session s : sessions.values()) {
            if (s.isConnected()) {
                n++;
            }
        }
        return n;
    }
}
