package dev.magpie.cluster.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.magpie.cluster.ClusterBackend;
import dev.magpie.observe.LogSafe;
import dev.magpie.session.Session;
import dev.magpie.spi.ClientInfo;

/**
 * The owner's copy of each session in the cluster store: its whole {@link SessionState} (subscriptions, will, queued
 * and in-flight messages, inbound QoS 2 ids), written behind the session and fenced by the id's epoch, so that the
 * next owner (a takeover, or the survivor that adopts a dead node's sessions) goes on with it exactly.
 *
 * <p><b>Write-behind, coalesced.</b> A change only marks the copy stale ({@link #changed}); one write per client id is
 * in flight at a time, and it carries the newest state, encoded on the session's thread when the write starts (so a
 * burst of deliveries costs one encoding and one write per round trip, not one per message). A failed write is tried
 * again every {@link #RETRY_MILLIS} while the id is owned; a refused one means a later claim fenced this node.
 *
 * <p><b>What waits for it.</b> {@link #afterAllStored} runs its task once every copy stale at the call has been
 * written: a cluster node's store commit ({@link ClusterSessionStore#afterCommit}), so a publisher's PUBACK and a
 * persistent session's PUBLISH, PUBREL and PUBCOMP wait until the next owner would know what they promise.
 * {@link #storedSeq} is the newest message number the last written copy covered: on a takeover the old owner hands over
 * only what is newer ({@link #whenSettled} first lets the write in flight end), the new owner has the rest from the copy.
 */
final class SessionCopies {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SessionCopies.class);
    /** Pause between tries of a write that failed (store unreachable or slow); refusals are not retried. */
    static final long RETRY_MILLIS = 250;
    /**
     * Failed tries (10 s) after which those waiting for a copy go on without it, as the link gives up forwarding
     * after its retries: while the cluster store is unreachable, acknowledgements slow down but never hang (the copy is
     * still tried, and the local store has the messages). Logged.
     */
    static final int RELEASE_WAITERS_AFTER = 40;

    /** Who owns which id here, and what a refused write means. */
    interface Owners {
        /** The epoch this node holds for the id; null when it does not own it, 0 when admitted unchecked. */
        Long epochOf(String clientId);

        /** A write with {@code epoch} was refused: a later claim fenced this node. */
        void fenced(String clientId, long epoch);
    }

    private final ClusterBackend backend;
    private final Owners owners;

    private final Map<String, Copy> copies = new ConcurrentHashMap<>();

    SessionCopies(ClusterBackend backend, Owners owners) {
        this.backend = backend;
        this.owners = owners;
    }

    /** One id's copy: the version asked for, the one stored, who waits, and the write in flight. Guarded by itself. */
    private static final class Copy {
        Session session;
        ClientInfo client;
        long wanted;
        long stored;
        long storedSeq;
        boolean writing;
        int failures;
        final List<Waiter> waiters = new ArrayList<>(1);
        final List<Runnable> settled = new ArrayList<>(0);
    }

    private record Waiter(long version, Runnable done) {
    }

    /**
     * {@code session} changed (attached with {@code attaching}, subscribed, a message queued, sent, acknowledged...):
     * its copy is stale. On the session's thread.
     */
    void changed(Session session, ClientInfo attaching) {
        ClientInfo client = attaching != null ? attaching : session.clientInfo();
        if ((session.expirySeconds() == 0 && session.will() == null) || (client == null && !copies.containsKey(session.clientId()))) {
            return;
        }
        Copy copy = copies.computeIfAbsent(session.clientId(), id -> new Copy());
        boolean start;
        synchronized (copy) {
            copy.session = session;
            if (client != null) {
                copy.client = client;
            }
            copy.wanted++;
            start = !copy.writing;
            copy.writing = true;
        }
        if (start) {
            write(session.clientId(), copy);
        }
    }

    /** Encodes the newest state (on the session's thread, with its inbox marks) and writes it. */
    private void write(String clientId, Copy copy) {
        Session current;
        synchronized (copy) {
            current = copy.session;
        }
        if (!current.executor().inEventLoop()) {
            current.execute(() -> write(clientId, copy));
            return;
        }
        if (copies.get(clientId) != copy) {
            finish(clientId, copy, Long.MAX_VALUE, -1, false); // forgotten meanwhile: no more tries
            return;
        }
        Session session;
        ClientInfo client;
        long version;
        synchronized (copy) {
            session = copy.session;
            client = copy.client;
            version = copy.wanted;
        }
        Long epoch = owners.epochOf(clientId);
        if (epoch == null || epoch == 0 || client == null) {
            finish(clientId, copy, version, -1, true); // nothing can be stored for it: nobody waits in vain
            return;
        }
        Session.StoredMessages messages = session.storedMessages();
        byte[] bytes = SessionStateCodec.encode(SessionStates.of(session, client, messages, session.inboxMarks()));
        CompletableFuture<Boolean> written;
        try {
            written = backend.writeSession(clientId, epoch, bytes).toCompletableFuture();
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        written.whenComplete((stored, failure) -> {
            if (failure == null && !stored) {
                finish(clientId, copy, version, -1, false);
                owners.fenced(clientId, epoch);
            } else if (failure != null) {
                failedOnce(clientId, copy);
                CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS)
                        .execute(() -> session.execute(() -> write(clientId, copy)));
            } else {
                finish(clientId, copy, version, messages.lastSeq(), true);
            }
        });
    }

    /** A try failed; after {@link #RELEASE_WAITERS_AFTER} in a row its waiters go on (the tries do not stop). */
    private void failedOnce(String clientId, Copy copy) {
        List<Runnable> run = new ArrayList<>();
        synchronized (copy) {
            if (++copy.failures % RELEASE_WAITERS_AFTER == 0) {
                copy.waiters.forEach(w -> run.add(w.done()));
                copy.waiters.clear();
            }
        }
        if (!run.isEmpty()) {
            LOG.warn("client {}: its session copy could not be stored for {} s; {} acknowledgements go on without it",
                    LogSafe.text(clientId), RETRY_MILLIS * RELEASE_WAITERS_AFTER / 1000, run.size());
            run.forEach(Runnable::run);
        }
    }

    /**
     * A write of {@code version} ended: stored ({@code seq} >= 0), or given up. Its waiters go on either way (a
     * publisher's PUBACK must not hang on another client's fenced copy; the fenced session is dropped, so what it would
     * send goes nowhere). With {@code goOn}, the next write starts if the copy changed meanwhile.
     */
    private void finish(String clientId, Copy copy, long version, long seq, boolean goOn) {
        List<Runnable> run = new ArrayList<>();
        boolean again;
        Session session;
        synchronized (copy) {
            copy.failures = 0;
            // given up (refused: fenced; or forgotten): no write of this node stores what was asked for since either,
            // so those waiting for a later version go on too, or a node's inbox would stall behind them
            copy.stored = Math.max(copy.stored, goOn ? version : Math.max(version, copy.wanted));
            if (seq >= 0) {
                copy.storedSeq = Math.max(copy.storedSeq, seq);
            }
            for (var it = copy.waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.version() <= copy.stored) {
                    it.remove();
                    run.add(w.done());
                }
            }
            again = goOn && copy.wanted > copy.stored && copies.get(clientId) == copy;
            copy.writing = again;
            if (!again) {
                run.addAll(copy.settled);
                copy.settled.clear();
            }
            session = copy.session;
        }
        run.forEach(Runnable::run);
        if (again) {
            session.execute(() -> write(clientId, copy));
        }
    }

    /** Runs {@code done} once every copy that is stale now has been written (at once when none is). Any thread. */
    void afterAllStored(Runnable done) {
        List<Copy> stale = new ArrayList<>();
        for (Copy copy : copies.values()) {
            synchronized (copy) {
                if (copy.wanted > copy.stored) {
                    stale.add(copy);
                }
            }
        }
        if (stale.isEmpty()) {
            done.run();
            return;
        }
        AtomicInteger left = new AtomicInteger(stale.size());
        Runnable one = () -> {
            if (left.decrementAndGet() == 0) {
                done.run();
            }
        };
        for (Copy copy : stale) {
            boolean now;
            synchronized (copy) {
                now = copy.wanted <= copy.stored;
                if (!now) {
                    copy.waiters.add(new Waiter(copy.wanted, one));
                }
            }
            if (now) {
                one.run();
            }
        }
    }

    /** Runs {@code task} when no write of {@code clientId}'s copy is in flight (at once when none is). */
    void whenSettled(String clientId, Runnable task) {
        Copy copy = copies.get(clientId);
        if (copy != null) {
            synchronized (copy) {
                if (copy.writing) {
                    copy.settled.add(task);
                    return;
                }
            }
        }
        task.run();
    }

    /** The newest message number the last stored copy of {@code clientId} covered (0: none stored). */
    long storedSeq(String clientId) {
        Copy copy = copies.get(clientId);
        if (copy == null) {
            return 0;
        }
        synchronized (copy) {
            return copy.storedSeq;
        }
    }

    /** The id ended here (released, taken over, fenced): its copy is no longer this node's to write. */
    void forget(String clientId) {
        Copy copy = copies.remove(clientId);
        if (copy != null) {
            List<Runnable> run = new ArrayList<>();
            synchronized (copy) {
                copy.waiters.forEach(w -> run.add(w.done()));
                copy.waiters.clear();
                run.addAll(copy.settled);
                copy.settled.clear();
            }
            run.forEach(Runnable::run);
        }
    }

    /** How many ids have a copy tracked here. */
    int size() {
        return copies.size();
    }
}
