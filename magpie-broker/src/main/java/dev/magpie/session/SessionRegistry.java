package dev.magpie.session;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Client id to session, for the whole broker. Lookups are lock-free; replacing a session is a
 * compare-and-swap, so two clients connecting with the same id at the same moment cannot both win.
 */
public final class SessionRegistry {
    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();

    public Optional<Session> find(String clientId) {
        return Optional.ofNullable(sessions.get(clientId));
    }

    /** Returns the existing session for the id, or registers the one {@code factory} makes. */
    public Session getOrCreate(String clientId, Supplier<Session> factory) {
        return sessions.computeIfAbsent(clientId, id -> factory.get());
    }

    /** Registers {@code replacement}, returning the session it replaced (or null). */
    public Session replace(String clientId, Session replacement) {
        return sessions.put(clientId, replacement);
    }

    /**
     * What {@link #claim} did: {@code refused} when another user's session holds the id (nothing changed), else
     * {@code replaced} is the session the claim displaced, or null.
     */
    public record Claim(boolean refused, Session replaced) {
    }

    /**
     * Registers {@code replacement} for its client id unless a session of another owner holds the id, in one
     * atomic step: two users connecting with one new id at the same moment cannot displace each other's session.
     */
    public Claim claim(Session replacement) {
        Session[] displaced = new Session[1];
        boolean[] refused = new boolean[1];
        sessions.compute(replacement.clientId(), (id, current) -> {
            if (current != null && !Objects.equals(current.owner(), replacement.owner())) {
                refused[0] = true;
                return current;
            }
            displaced[0] = current;
            return replacement;
        });
        return new Claim(refused[0], displaced[0]);
    }

    /** Removes the mapping only if it still points at {@code session}. */
    public boolean remove(Session session) {
        return sessions.remove(session.clientId(), session);
    }

    public Collection<Session> all() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    public int size() {
        return sessions.size();
    }
}
