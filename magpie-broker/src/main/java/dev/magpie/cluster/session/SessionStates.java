package dev.magpie.cluster.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.magpie.codec.Connect;
import dev.magpie.codec.MalformedPacketException;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PropertySection;
import dev.magpie.codec.Subscribe;
import dev.magpie.session.Session;
import dev.magpie.session.SessionSubscription;
import dev.magpie.spi.ClientInfo;
import dev.magpie.store.StoredSession;

/**
 * Between the broker's live {@link Session} and the {@link SessionState} the cluster store keeps: what the owner
 * writes (client, expiry, subscriptions, will) and what the next owner makes of it. The one place that knows how a
 * will's Will Delay Interval travels: beside its properties, since it is not a PUBLISH property.
 *
 * <pre>{@code
 * byte[] bytes = SessionStateCodec.encode(SessionStates.of(session, client, session.storedMessages()));
 * SessionState state = SessionStateCodec.decode(bytes);
 * Optional<Connect.Will> will = SessionStates.will(state);
 * }</pre>
 */
public final class SessionStates {

    private SessionStates() {
    }

    /**
     * The state to store for {@code session}, whose client is {@code client}, with its messages as
     * {@link Session#storedMessages} gives them (on the session's thread).
     */
    public static SessionState of(Session session, ClientInfo client, Session.StoredMessages messages) {
        return of(session, client, messages, java.util.Map.of());
    }

    /**
     * As {@link #of(Session, ClientInfo, Session.StoredMessages)}, with the inbox marks of the session's loop as
     * {@code InboxMarks.here} read them with the messages.
     */
    public static SessionState of(Session session, ClientInfo client, Session.StoredMessages messages,
                                  java.util.Map<dev.magpie.cluster.NodeIdentity, Long> inboxMarks) {
        List<SessionState.Subscription> subscriptions = new ArrayList<>(session.subscriptions().size());
        for (SessionSubscription s : session.subscriptions().values()) {
            Subscribe.Subscription o = s.options();
            subscriptions.add(new SessionState.Subscription(o.filter(), o.qos(), o.noLocal(), o.retainAsPublished(),
                    o.retainHandling(), s.identifier()));
        }
        SessionState.Client owner = new SessionState.Client(Optional.ofNullable(client.username()),
                Math.max(3, Math.min(5, client.protocolLevel())), client.listener());
        return new SessionState(owner, Math.min(session.expirySeconds(), 0xFFFF_FFFFL), subscriptions,
                stored(session.will()), messages.deliveries(), messages.inboundQos2(), marks(inboxMarks));
    }

    private static List<SessionState.InboxMark> marks(java.util.Map<dev.magpie.cluster.NodeIdentity, Long> inboxMarks) {
        List<SessionState.InboxMark> marks = new ArrayList<>(inboxMarks.size());
        inboxMarks.forEach((origin, seq) -> marks.add(new SessionState.InboxMark(origin.nodeId(), origin.incarnation(), seq)));
        return marks;
    }

    /** The marks of a stored state, to skip what of a dead writer's inbox the state already holds. */
    public static java.util.Map<dev.magpie.cluster.NodeIdentity, Long> inboxMarks(SessionState state) {
        java.util.Map<dev.magpie.cluster.NodeIdentity, Long> marks = new java.util.HashMap<>();
        for (SessionState.InboxMark mark : state.inboxMarks()) {
            marks.merge(new dev.magpie.cluster.NodeIdentity(mark.nodeId(), mark.incarnation()), mark.seq(), Math::max);
        }
        return marks;
    }

    /** The will as stored: its Will Delay Interval apart, its other properties in the PUBLISH property format. */
    static Optional<SessionState.Will> stored(Connect.Will will) {
        if (will == null) {
            return Optional.empty();
        }
        long delay = will.properties().unsignedInt(PropertyId.WILL_DELAY_INTERVAL, 0);
        MqttProperties properties = will.properties().isEmpty() ? MqttProperties.EMPTY
                : will.properties().toBuilder().remove(PropertyId.WILL_DELAY_INTERVAL).build();
        return Optional.of(new SessionState.Will(will.topic(), will.qos(), will.retain(), delay,
                PropertySection.encode(properties), will.payload()));
    }

    /**
     * The stored will as the CONNECT carried it, Will Delay Interval included.
     *
     * @throws IllegalArgumentException when its properties cannot be read
     */
    public static Optional<Connect.Will> will(SessionState state) {
        if (state.will().isEmpty()) {
            return Optional.empty();
        }
        SessionState.Will w = state.will().get();
        MqttProperties properties;
        try {
            properties = PropertySection.decodePublish(w.properties());
        } catch (MalformedPacketException e) {
            throw new IllegalArgumentException("the stored will's properties are damaged: " + e.getMessage(), e);
        }
        if (w.delaySeconds() > 0) {
            properties = properties.toBuilder().integer(PropertyId.WILL_DELAY_INTERVAL, (int) w.delaySeconds()).build();
        }
        return Optional.of(new Connect.Will(w.topic(), w.payload(), w.qos(), w.retain(), properties));
    }

    /** The client a stored session belongs to, as the next owner knows it (no address: it is not connected). */
    public static ClientInfo client(String clientId, SessionState state) {
        SessionState.Client c = state.client();
        return new ClientInfo(clientId, c.username().orElse(null), null, c.protocolLevel(), c.listener());
    }

    /**
     * The stored messages in the form a session restores ({@link Session#restoreMessages}): a session record that
     * carries only them.
     */
    public static StoredSession messages(String clientId, SessionState state) {
        SessionState.Client c = state.client();
        return new StoredSession(clientId, c.username().orElse(null), c.protocolLevel(), c.listener(), state.expirySeconds(),
                -1, List.of(), state.deliveries(), state.inboundQos2());
    }

    /** The stored subscriptions as the session takes them. */
    public static List<SessionSubscription> subscriptions(SessionState state) {
        List<SessionSubscription> subscriptions = new ArrayList<>(state.subscriptions().size());
        for (SessionState.Subscription s : state.subscriptions()) {
            subscriptions.add(new SessionSubscription(new Subscribe.Subscription(s.filter(), s.qos(), s.noLocal(),
                    s.retainAsPublished(), s.retainHandling()), s.subscriptionId()));
        }
        return subscriptions;
    }
}
