package dev.magpie.cluster.session;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.magpie.cluster.InboxMessage;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.link.ClusterLink;
import dev.magpie.cluster.link.ForwardedPublish;
import dev.magpie.codec.Publish;
import dev.magpie.observe.LogSafe;
import dev.magpie.protocol.SessionLifecycle;
import dev.magpie.routing.SubscriptionTree;
import dev.magpie.session.Delivery;
import dev.magpie.session.Publication;
import dev.magpie.session.PublishStorage;
import dev.magpie.session.Session;
import dev.magpie.session.SessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages of a session whose client id moves to another node. The old owner lets go of it ({@link #letGo}): once
 * its copy write in flight has ended, it hands over what the client has not received and the stored copy lacks, then
 * says it is done ({@link HandoverEnd}). The new owner puts the handed-over messages into its session
 * ({@link #receive}) ahead of what was routed to it meanwhile, which follows at the end ({@link #ended}). And the
 * survivor of a dead node delivers the messages of that node's inbox to the sessions it adopted ({@link #fromDeadInbox}).
 * Each message once [MQTT-4.3.3-10], in order [MQTT-4.6.0-6].
 */
final class SessionHandOver {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandOver.class);

    private final Supplier<NodeIdentity> self;
    private final SessionRegistry sessions;
    private final SessionLifecycle lifecycle;
    private final ClusterLink link;
    private final SessionCopies copies;

    SessionHandOver(Supplier<NodeIdentity> self, SessionRegistry sessions, SessionLifecycle lifecycle, ClusterLink link,
                    SessionCopies copies) {
        this.self = self;
        this.sessions = sessions;
        this.lifecycle = lifecycle;
        this.link = link;
        this.copies = copies;
    }

    /**
     * Ends this node's copy of {@code clientId}'s session; with {@code newOwner}, first hands it the messages newer than
     * the last copy written here, then a {@link HandoverEnd} (in the same inbox, so after them). The write in flight
     * ends first (stored before the claim, so in what the new owner read, or refused after it), so that line is exact.
     */
    void letGo(String clientId, String why, String newOwner, boolean resumedThere) {
        Optional<Session> local = sessions.find(clientId);
        if (local.isEmpty()) {
            copies.forget(clientId);
            if (newOwner != null) {
                link.sendControl(newOwner, new HandoverEnd(clientId).encode()); // nothing to hand over
            }
            return;
        }
        Session session = local.get();
        LOG.info("client {}: {}; this node's copy of its session ends", LogSafe.text(clientId), why);
        copies.whenSettled(clientId, () -> session.execute(() -> {
            if (newOwner != null && !session.isEnded()) {
                List<Session.Undelivered> undelivered = session.discardUndeliveredAfter(copies.storedSeq(clientId));
                long now = System.currentTimeMillis();
                for (Session.Undelivered message : undelivered) {
                    byte[] forwarded = ForwardedPublish.encode(message.publish(), clientId, now, message.stamp());
                    link.sendControl(newOwner, new HandedOverMessage(clientId, forwarded).encode());
                }
                if (!undelivered.isEmpty()) {
                    LOG.info("client {}: {} messages newer than its stored copy handed to node {}", LogSafe.text(clientId),
                            undelivered.size(), newOwner);
                }
            }
            if (newOwner != null) {
                link.sendControl(newOwner, new HandoverEnd(clientId).encode()); // after the messages, in the same inbox
            }
            lifecycle.takenOverElsewhere(session, !resumedThere);
            copies.forget(clientId);
        }));
    }

    /**
     * A message the previous owner had not delivered to {@code clientId}: delivered to its session here at the QoS its
     * subscriptions grant [MQTT-3.8.4-8] (the highest of those matching), or dropped when no session is here.
     */
    void receive(InboxMessage message) {
        HandedOverMessage handed;
        ForwardedPublish forwarded;
        try {
            handed = HandedOverMessage.decode(message.body());
            forwarded = ForwardedPublish.decode(handed.message());
        } catch (IllegalArgumentException e) {
            LOG.warn("cluster node {}: a control message from {} dropped: {}", self.get(), message.origin(), e.getMessage());
            return;
        }
        Optional<Session> local = sessions.find(handed.clientId());
        if (local.isEmpty()) {
            LOG.info("client {}: a message handed over by node {} dropped: its session is not here",
                    LogSafe.text(handed.clientId()), message.origin().nodeId());
            return;
        }
        deliver(local.get(), forwarded, message, true);
    }

    /** The previous owner of a client id has handed over all it had: what its session here held meanwhile follows. */
    void ended(InboxMessage message) {
        HandoverEnd end;
        try {
            end = HandoverEnd.decode(message.body());
        } catch (IllegalArgumentException e) {
            LOG.warn("cluster node {}: a control message from {} dropped: {}", self.get(), message.origin(), e.getMessage());
            return;
        }
        sessions.find(end.clientId()).ifPresent(session -> session.execute(() -> session.endArrivalHold(message.origin().nodeId())));
    }

    /**
     * Delivers {@code forwarded} to {@code session} at the highest QoS its matching subscriptions grant, if any;
     * {@code entry}: the entry of this node's inbox it came in (null: none); {@code handedOver}: the previous owner of
     * the session handed it over ({@link Session#deliverHandedOver}).
     */
    private static void deliver(Session session, ForwardedPublish forwarded, InboxMessage entry, boolean handedOver) {
        Publish publish = forwarded.publish();
        SubscriptionTree<Integer> granted = new SubscriptionTree<>();
        session.subscriptions().values().forEach(s -> granted.put(s.filter(), s.filter(), s.options().qos()));
        int[] qos = {-1};
        granted.match(publish.topic(), (key, filter, value) -> qos[0] = Math.max(qos[0], value));
        if (qos[0] < 0) {
            return; // the client unsubscribed meanwhile
        }
        Publication publication = new Publication(publish, forwarded.originClientId(),
                PublishStorage.storedNanos(forwarded.stored(), System.currentTimeMillis(), System.nanoTime()));
        publication.stamp(forwarded.stamp());
        if (entry != null) {
            publication.fromInbox(entry.origin(), entry.seq());
        }
        try {
            Delivery delivery = Delivery.of(Math.min(qos[0], publish.qos()), false);
            if (handedOver) {
                session.deliverHandedOver(publication, delivery);
            } else {
                session.deliver(publication, delivery);
            }
        } finally {
            publication.release();
        }
    }

    /**
     * A message from a dead node's inbox, for the sessions adopted from it ({@code adopted}: each with the inbox marks
     * of its copy). A session whose copy was taken after the dead node had routed the message holds it already: it is
     * skipped there [MQTT-4.3.3-10]; so is its shared-group part, which the dead node had then handed to a member.
     * Control messages in it go to {@code onControl}, as if sent here (a message handed over to an adopted client finds
     * its session).
     */
    void fromDeadInbox(InboxMessage message, Map<String, Map<NodeIdentity, Long>> adopted, Consumer<InboxMessage> onControl) {
        byte[] body = message.body();
        if (body.length > 0 && body[0] == ClusterLink.CONTROL) {
            onControl.accept(message);
            return;
        }
        ForwardedPublish forwarded;
        try {
            forwarded = ForwardedPublish.decode(body);
        } catch (IllegalArgumentException e) {
            LOG.warn("cluster node {}: a message in the inbox of a dead node dropped: {}", self.get(), e.getMessage());
            return;
        }
        boolean routedThere = false;
        for (Map.Entry<String, Map<NodeIdentity, Long>> entry : adopted.entrySet()) {
            boolean held = entry.getValue().getOrDefault(message.origin(), 0L) >= message.seq();
            routedThere |= held;
            if (forwarded.plain() && !held) {
                sessions.find(entry.getKey()).ifPresent(session -> session.execute(() -> deliver(session, forwarded, null, false)));
            }
        }
        if (!forwarded.sharedGroups().isEmpty() && !routedThere) {
            link.routeAdopted(List.of(new InboxMessage(message.origin(), message.seq(), ForwardedPublish.encode(forwarded.publish(),
                    forwarded.originClientId(), forwarded.stored().storedAtMillis(), false, forwarded.sharedGroups(), forwarded.hops(),
                    forwarded.stamp()))));
        }
    }
}
