package dev.magpie.session;

import java.util.Collection;
import java.util.Collections;
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
