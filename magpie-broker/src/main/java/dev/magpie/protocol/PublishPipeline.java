package dev.magpie.protocol;

import dev.magpie.observe.LogSafe;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.Publish;
import dev.magpie.codec.TopicSyntax;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.EventDispatcher;
import dev.magpie.routing.Distributor;
import dev.magpie.session.OwnershipLatch;
import dev.magpie.session.Publication;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Interceptor;
import dev.magpie.spi.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The path every accepted message takes, whoever published it (a client, a will, the broker itself):
 * interceptors (which may change or drop it), the retained store, the distributor, then the
 * {@code published} event. Authorization happens before, where the publisher is known.
 */
public final class PublishPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(PublishPipeline.class);

    /** What became of a message: the publisher's 5.0 acknowledgement tells "no matching subscribers" apart. */
    public enum Routed {
        /** An interceptor dropped it (or made it invalid). */
        DROPPED,
        /** Accepted, and no subscription took it: PUBACK / PUBREC 0x10 for a 5.0 publisher (retained or not). */
        NO_SUBSCRIBERS,
        /** Handed to at least one subscriber's session. */
        DELIVERED
    }

    private final List<Interceptor> interceptors;
    private final Distributor distributor;
    private final EventDispatcher events;
    private final BrokerMetrics metrics;
    private final AtomicBoolean retainedFullLogged = new AtomicBoolean();

    public PublishPipeline(List<Interceptor> interceptors, Distributor distributor, EventDispatcher events, BrokerMetrics metrics) {
        this.interceptors = List.copyOf(interceptors);
        this.distributor = distributor;
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * Routes {@code publish} (its packet id and DUP are ignored) and says what became of it. Runs on the caller's
     * thread.
     */
    public Routed publish(ClientInfo origin, Publish publish) {
        return publish(origin, publish, null);
    }

    /**
     * As {@link #publish(ClientInfo, Publish)} for an inbound QoS 2 message whose ownership is not durable yet:
     * its copies for persistent sessions wait for {@code ownership} (null: nothing to wait for).
     */
    Routed publish(ClientInfo origin, Publish publish, OwnershipLatch ownership) {
        Message message = null;
        if (!interceptors.isEmpty()) {
            message = new Message(publish.topic(), publish.payload(), publish.qos(), publish.retain());
            for (Interceptor interceptor : interceptors) {
                Optional<Message> result;
                try {
                    result = interceptor.onPublish(origin, message);
                } catch (RuntimeException e) {
                    LOG.warn("interceptor {} failed on a message from {} to {}: {}; message dropped",
                            interceptor.getClass().getName(), origin.clientId(), LogSafe.text(publish.topic()), e.toString());
                    return Routed.DROPPED;
                }
                if (result == null || result.isEmpty()) {
                    LOG.debug("interceptor {} dropped a message from {} to {}", interceptor.getClass().getName(), origin.clientId(), LogSafe.text(message.topic()));
                    return Routed.DROPPED;
                }
                message = result.get();
            }
            if (!TopicSyntax.isValidTopicName(message.topic())) {
                LOG.warn("interceptor changed the topic of a message from {} to an invalid name '{}'; message dropped", origin.clientId(), LogSafe.text(message.topic()));
                return Routed.DROPPED;
            }
        }
        Publish routed = message == null
                ? (publish.packetId() == 0 && !publish.dup() ? publish : publish.withPacketId(0, false))
                : new Publish(message.topic(), message.qos(), message.retain(), false, 0, message.payload(), publish.properties());
        if (routed.retain() && !distributor.retain(routed)) {
            // over max_retained_messages / _bytes: delivered to the subscribers of now, not kept for later ones
            metrics.limitHit("retained");
            if (retainedFullLogged.compareAndSet(false, true)) {
                LOG.warn("retained messages are at their bound (max_retained_messages / max_retained_bytes): new retained topics are "
                        + "not kept (5.0 QoS 1/2 publishers get 0x97); counted in magpie.limits with limit=retained, logged once");
            }
        }
        if (!events.isEmpty()) {
            // before routing, so "published" is seen before any "delivered" of the same message
            events.published(origin, message != null ? message
                    : new Message(routed.topic(), routed.payload(), routed.qos(), routed.retain()));
        }
        Publication publication = new Publication(routed, origin.clientId());
        publication.ownership(ownership);
        try {
            // counts the sessions it went to: No Local and per-recipient authorization are applied before counting
            if (distributor.distribute(publication) > 0) {
                return Routed.DELIVERED;
            }
            if (!routed.retain()) { // a retained message is kept for later subscribers: not dropped
                metrics.messageDroppedNoSubscribers();
            }
            return Routed.NO_SUBSCRIBERS;
        } finally {
            publication.release();
        }
    }

    /**
     * Routes a status message of the broker ({@code $SYS}): retained index and distributor only, with every delivery
     * checked against its reader's rights as usual. Interceptors and event listeners are not asked: these are the
     * broker's telemetry, dozens per {@code sys_interval}, not application messages (an application that wants them
     * subscribes). Any thread.
     */
    public void publishStatus(Message message) {
        Publish status = new Publish(message.topic(), message.qos(), message.retain(), false, 0, message.payload(), MqttProperties.EMPTY);
        if (status.retain()) {
            distributor.retain(status);
        }
        Publication publication = new Publication(status, ClientInfo.SERVER.clientId());
        try {
            distributor.distribute(publication);
        } finally {
            publication.release();
        }
    }

    /** Routes a message published by the broker itself ({@code Broker.publish}). */
    public boolean publishFromServer(Message message) {
        if (!TopicSyntax.isValidTopicName(message.topic())) {
            throw new IllegalArgumentException("not a valid topic name: '" + message.topic() + "'");
        }
        return publish(ClientInfo.SERVER, new Publish(message.topic(), message.qos(), message.retain(), false, 0,
                message.payload(), MqttProperties.EMPTY)) != Routed.DROPPED;
    }
}
