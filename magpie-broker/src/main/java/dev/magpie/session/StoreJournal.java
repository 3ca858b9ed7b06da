package dev.magpie.session;

import dev.magpie.codec.Publish;
import dev.magpie.store.MessageStore;
import dev.magpie.store.StoredDelivery;
import dev.magpie.store.StoredSession;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SessionJournal} that writes to a {@link MessageStore}, and the way back: {@link #restore} puts what
 * the store kept into a session restored at start.
 */
final class StoreJournal implements SessionJournal {
    private final MessageStore store;
    private final String clientId;
    private final boolean gated;
    private final Executor sessionThread;
    /** Commit callbacks not run yet, in the order asked for (see {@link #afterCommit}). Session thread. */
    private final java.util.ArrayDeque<CommitWaiter> waiting = new java.util.ArrayDeque<>();

    /**
     * @param gated         whether sends wait for the commit (durable acknowledgements)
     * @param sessionThread runs a task on the session's thread ({@link Session#execute})
     */
    StoreJournal(MessageStore store, String clientId, boolean gated, Executor sessionThread) {
        this.store = store;
        this.clientId = clientId;
        this.gated = gated;
        this.sessionThread = sessionThread;
    }

    @Override
    public void queued(PendingMessage message) {
        store.putDelivery(clientId, queuedRecord(message, message.origin()));
    }

    /** The record of a queued message, aged as it is (so its Message Expiry keeps counting where it is restored). */
    static StoredDelivery queuedRecord(PendingMessage message, long origin) {
        Publish p = message.publish();
        Publish asDelivered = new Publish(p.topic(), message.qos(), p.retain(), false, 0, p.payload(), p.properties());
        long storedAt = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(Math.max(0, System.nanoTime() - message.createdNanos()));
        return new StoredDelivery(message.seq(), StoredDelivery.QUEUED, PublishStorage.toStored(asDelivered, storedAt),
                message.delivery().retain(), message.delivery().subscriptionIds(), message.delivery().sharedGroup(), origin);
    }

    @Override
    public void dequeued(PendingMessage message) {
        store.removeDelivery(clientId, false, message.seq());
    }

    @Override
    public void sent(PendingMessage message, boolean fromQueue, int packetId, Publish sent, OutboundFlow.State state) {
        StoredDelivery inflight = inflightRecord(packetId, sent, state, message.delivery().sharedGroup(), message.origin());
        if (fromQueue) {
            store.moveDelivery(clientId, message.seq(), inflight);
        } else {
            store.putDelivery(clientId, inflight);
        }
    }

    @Override
    public void inflight(int packetId, Publish sent, OutboundFlow.State state, String sharedGroup) {
        store.putDelivery(clientId, inflightRecord(packetId, sent, state, sharedGroup, 0));
    }

    static StoredDelivery inflightRecord(int packetId, Publish sent, OutboundFlow.State state, String sharedGroup, long origin) {
        int code = switch (state) {
            case AWAIT_PUBACK -> StoredDelivery.AWAIT_PUBACK;
            case AWAIT_PUBREC -> StoredDelivery.AWAIT_PUBREC;
            case AWAIT_PUBCOMP -> StoredDelivery.AWAIT_PUBCOMP;
        };
        return new StoredDelivery(packetId, code, PublishStorage.toStored(sent, System.currentTimeMillis()), sent.retain(), List.of(),
                sharedGroup, origin);
    }

    @Override
    public void completed(int packetId) {
        store.removeDelivery(clientId, true, packetId);
    }

    @Override
    public void inboundQos2(int packetId, long fingerprint, long origin, boolean awaiting) {
        store.inboundQos2(clientId, packetId, fingerprint, origin, awaiting);
    }

    @Override
    public void inboundQos2Owned(int packetId) {
        store.inboundQos2Owned(clientId, packetId);
    }

    @Override
    public boolean gates() {
        return gated;
    }

    /**
     * Runs {@code onSessionThread} once what the session wrote so far is committed, and after every callback asked for
     * before it: the store may answer one on its writer thread and a later one at once (a cluster node's copy that had
     * just been written), and the PUBLISHes these callbacks send must leave in the order the messages came
     * [MQTT-4.6.0-6]. Called on the session's thread.
     */
    @Override
    public void afterCommit(Runnable onSessionThread) {
        if (!gated) {
            onSessionThread.run();
            return;
        }
        CommitWaiter waiter = new CommitWaiter(onSessionThread);
        waiting.add(waiter);
        // the store runs the callback on its writer thread (or at once if it cannot queue it): hop back
        store.afterCommit(() -> sessionThread.execute(() -> {
            waiter.committed = true;
            runCommitted();
        }));
    }

    /** Runs the callbacks at the head of the line whose commits are done, in the order they were asked for. */
    private void runCommitted() {
        while (!waiting.isEmpty() && waiting.peek().committed) {
            waiting.poll().task.run();
        }
    }

    /** A callback waiting for its commit; {@code committed} is set on the session's thread. */
    private static final class CommitWaiter {
        final Runnable task;
        boolean committed;

        CommitWaiter(Runnable task) {
            this.task = task;
        }
    }

    /**
     * Puts the stored messages back: queued ones in their order with their age (so expiry keeps counting), in-flight
     * ones under their packet ids in send order (resent with DUP when the client attaches [MQTT-4.4.0-1]), and the
     * inbound QoS 2 ids, so a resent QoS 2 PUBLISH is not routed twice [MQTT-4.3.3-9].
     *
     * @throws IllegalArgumentException if a stored message cannot be read
     */
    static void restore(Session session, StoredSession stored) {
        long nowMillis = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        for (StoredDelivery d : stored.deliveries()) {
            Publish publish = PublishStorage.toPublish(d.message(), d.retain());
            if (d.inflight()) {
                OutboundFlow.State state = switch (d.state()) {
                    case StoredDelivery.AWAIT_PUBACK -> OutboundFlow.State.AWAIT_PUBACK;
                    case StoredDelivery.AWAIT_PUBREC -> OutboundFlow.State.AWAIT_PUBREC;
                    default -> OutboundFlow.State.AWAIT_PUBCOMP;
                };
                PendingMessage shared = d.sharedGroup() == null ? null : new PendingMessage(publish,
                        new Delivery(publish.qos(), d.retain(), List.of(), d.sharedGroup()),
                        PublishStorage.storedNanos(d.message(), nowMillis, nowNanos), Publication.expiryNanos(publish), 0);
                session.restoreInflight((int) d.key(), publish, state, shared);
            } else {
                Delivery delivery = new Delivery(publish.qos(), d.retain(), d.subscriptionIds(), d.sharedGroup());
                session.restoreQueued(new PendingMessage(publish, delivery, PublishStorage.storedNanos(d.message(), nowMillis, nowNanos),
                        Publication.expiryNanos(publish), d.key()));
            }
        }
        for (StoredSession.InboundQos2 id : stored.inboundQos2()) {
            session.restoreInboundQos2(id.packetId(), id.fingerprint());
        }
    }
}
