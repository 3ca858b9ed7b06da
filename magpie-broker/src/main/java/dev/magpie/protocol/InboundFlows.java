package dev.magpie.protocol;

import dev.magpie.observe.LogSafe;
import dev.magpie.BrokerCapabilities;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.codec.TopicSyntax;
import dev.magpie.codec.UnsubAck;
import dev.magpie.codec.Unsubscribe;
import dev.magpie.routing.Distributor;
import dev.magpie.session.AckOutcome;
import dev.magpie.session.OwnershipLatch;
import dev.magpie.session.Session;
import dev.magpie.session.SessionSubscription;
import dev.magpie.spi.ClientInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What a connected client sends after CONNECT: PUBLISH with its QoS 1/2 handshakes, acknowledgements of
 * what the broker sent, SUBSCRIBE and UNSUBSCRIBE. Every step runs on the session's thread (usually the
 * connection's own event loop), because inbound QoS 2 state and subscriptions belong to the session.
 */
final class InboundFlows {
    private static final Logger LOG = LoggerFactory.getLogger(InboundFlows.class);

    private final FlowServices services;
    private final MqttConnection connection;
    private final TopicLimits topicLimits;
    /** Whether a PUBLISH to a "$share/" name was logged; once per connection is enough. Session's thread. */
    private boolean sharedTopicLogged;
    /** Whether a PUBLISH to "$SYS/" was logged; once per connection is enough. Session's thread. */
    private boolean sysTopicLogged;

    InboundFlows(FlowServices services, MqttConnection connection) {
        this.services = services;
        this.connection = connection;
        this.topicLimits = new TopicLimits(services.limits());
    }

    /** On the connection's event loop: checks what the CONNACK promised, resolves topic aliases, then hands over. */
    void publish(Session session, Publish received) {
        BrokerCapabilities offered = services.capabilities();
        if (received.qos() > offered.maximumQos()) {
            // [MQTT-3.2.2-11]: a QoS above Maximum QoS is a protocol error, 0x9B
            connection.protocolViolation(ReasonCode.QOS_NOT_SUPPORTED, "QoS " + received.qos() + " exceeds Maximum QoS " + offered.maximumQos());
            return;
        }
        if (received.retain() && !offered.retainAvailable()) {
            // [MQTT-3.2.2-14]
            connection.protocolViolation(ReasonCode.RETAIN_NOT_SUPPORTED, "retained messages are not available");
            return;
        }
        Publish publish = connection.inboundAliases().resolve(received, connection);
        if (publish == null) {
            return;
        }
        session.execute(() -> publishOnSession(session, publish));
    }

    private void publishOnSession(Session session, Publish publish) {
        ClientInfo client = session.clientInfo();
        boolean v5 = connection.version().isV5();
        int qos = publish.qos();
        // what the copies of a QoS 2 message of a durably journaled session wait for (see OwnershipLatch)
        OwnershipLatch ownership = qos == 2 && session.journalsDurably() ? services.lifecycle().persistence().newOwnership() : null;
        if (qos == 2) {
            // held at most: a full window carried over from the last connection (being completed) and a full new one
            if (!session.beginInboundQos2(publish, 2 * services.settings().receiveMaximum(), ownership)) {
                // a resent PUBLISH we already own: acknowledge again, do not route twice [MQTT-4.3.3-9]; if the first
                // one's ownership is not on disk yet, the PUBREC waits for it as the first one's does
                PubResponse again = PubResponse.of(PacketType.PUBREC, publish.packetId());
                session.whenInboundQos2Owned(publish.packetId(), () -> connection.send(again));
                return;
            }
            // only ids taken on this connection count: ones carried over from before a reconnect or a restart are
            // completed by the client's PUBREL or resent PUBLISH, and must never lock a client out [MQTT-3.3.4-9]
            if (session.inboundQos2OnThisConnection() > services.settings().receiveMaximum()) {
                session.releaseInboundQos2(publish.packetId()); // refused, not owned: a persistent session keeps at most the maximum
                connection.protocolViolation(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
                        "more than " + services.settings().receiveMaximum() + " QoS 2 messages unacknowledged");
                return;
            }
        }
        int reason = ReasonCode.SUCCESS;
        String overLimit = topicLimits.violation(publish.topic());
        if (publish.properties().integer(PropertyId.PAYLOAD_FORMAT_INDICATOR, 0) == 1 && !Utf8Check.isValid(publish.payload())) {
            // spec 3.3.2.3.2: the payload says it is UTF-8 and is not: 0x99 (the indicator itself is forwarded unaltered [MQTT-3.3.2-4])
            LOG.info("client {}: payload to {} is not the UTF-8 its Payload Format Indicator claims", client.clientId(), LogSafe.text(publish.topic()));
            if (qos == 0) {
                connection.protocolViolation(ReasonCode.PAYLOAD_FORMAT_INVALID, "payload is not valid UTF-8");
                return;
            }
            reason = ReasonCode.PAYLOAD_FORMAT_INVALID;
        } else if (overLimit != null) {
            // 0x90 Topic Name invalid: "not malformed, but not accepted by this Server" (spec 3.4.2.1); the message is
            // dropped, QoS 1/2 are acknowledged with 0x90 (5.0) or, in 3.1.1, acknowledged and dropped [MQTT-3.3.5-2]
            LOG.info("client {}: publish refused: {}", client.clientId(), LogSafe.text(overLimit));
            services.metrics().limitHit("topic");
            reason = ReasonCode.TOPIC_NAME_INVALID;
        } else if (Distributor.isShared(publish.topic())) {
            // "$share/…" names shared subscriptions (spec 4.8.2), which no message can be addressed to: not malformed,
            // but not accepted, 0x90 (spec 3.4.2.1); QoS 0 is dropped and 3.1.1 acknowledged and dropped [MQTT-3.3.5-2]
            if (!sharedTopicLogged) {
                sharedTopicLogged = true;
                LOG.info("client {}: publish to {} refused: $share/ names shared subscriptions, not topics (logged once per connection)",
                        client.clientId(), LogSafe.text(publish.topic()));
            }
            reason = ReasonCode.TOPIC_NAME_INVALID;
        } else if (Distributor.isSysTopic(publish.topic())) {
            // topics beginning with '$' are the server's (section 4.7.2) and $SYS/ carries the broker's status: no client
            // may publish there, whatever the rules grant; 0x87 in 5.0, 3.1.1 acknowledged and dropped [MQTT-3.3.5-2]
            if (!sysTopicLogged) {
                sysTopicLogged = true;
                LOG.info("client {}: publish to {} refused: $SYS/ is the broker's own (logged once per connection)",
                        client.clientId(), LogSafe.text(publish.topic()));
            }
            reason = ReasonCode.NOT_AUTHORIZED;
        } else if (!services.authorization().mayPublish(client, publish.topic(), qos, publish.retain())) {
            LOG.info("client {}: publish to {} not authorized", client.clientId(), LogSafe.text(publish.topic()));
            reason = ReasonCode.NOT_AUTHORIZED;
        } else if (v5 && qos > 0 && publish.retain() && !services.distributor().retainFits(publish)) {
            // the broker-wide retained bound (max_retained_messages / _bytes): 0x97 Quota exceeded, not routed (spec
            // 3.4.2.1); 3.1.1 and QoS 0 cannot be told, so their message is delivered but not retained (PublishPipeline)
            services.metrics().limitHit("retained");
            reason = ReasonCode.QUOTA_EXCEEDED;
        } else if (services.pipeline().publish(client, publish, ownership) == PublishPipeline.Routed.NO_SUBSCRIBERS) {
            // accepted, but no subscription took it (being retained does not count): 0x10, as mosquitto and EMQX say
            // (spec 3.4.2.1); only 5.0 acknowledgements carry it
            reason = ReasonCode.NO_MATCHING_SUBSCRIBERS;
        }
        if (qos == 1) {
            // [MQTT-4.3.2-2]; 3.1.1 has no negative acknowledgement, so a refused message is acked and dropped
            acknowledge(reason, new PubResponse(PacketType.PUBACK, publish.packetId(), v5 ? reason : 0, MqttProperties.EMPTY));
        } else if (qos == 2) {
            PubResponse pubrec = new PubResponse(PacketType.PUBREC, publish.packetId(), v5 ? reason : 0, MqttProperties.EMPTY);
            if (v5 && ReasonCode.isFailure(reason)) {
                // a PUBREC >= 0x80 ends the exchange: nothing was routed and the id is free again [MQTT-4.3.3-4]
                session.releaseInboundQos2(publish.packetId());
                connection.send(pubrec);
                return;
            }
            // the copies are durable after the barrier; the ownership is then recorded, and once that is committed the
            // copies may go to their subscribers and the PUBREC to the publisher (see OwnershipLatch)
            int id = publish.packetId();
            services.lifecycle().persistence().whenDurable(connection.context().executor(),
                    () -> session.execute(() -> session.ownInboundQos2(id, ownership, () -> connection.send(pubrec))));
        }
    }

    /** Sends a PUBACK/PUBREC; for a routed message, once it is durable when the broker is configured so. */
    private void acknowledge(int reason, PubResponse ack) {
        if (ReasonCode.isFailure(reason)) {
            connection.send(ack);
            return;
        }
        services.lifecycle().persistence().whenDurable(connection.context().executor(), () -> connection.send(ack));
    }

    void publishResponse(Session session, PubResponse response) {
        int id = response.packetId();
        switch (response.type()) {
            case PUBACK -> session.execute(() -> checkAck(session.onPubAck(id), response));
            case PUBREC -> session.execute(() -> checkAck(session.onPubRec(id, response.reasonCode()), response));
            case PUBCOMP -> session.execute(() -> checkAck(session.onPubComp(id), response));
            case PUBREL -> session.execute(() -> {
                boolean known = session.releaseInboundQos2(id);
                // [MQTT-4.3.3-11]: PUBCOMP with the same id; 5.0 says 0x92 if we never saw it
                int reason = known || !connection.version().isV5() ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
                PubResponse pubcomp = new PubResponse(PacketType.PUBCOMP, id, reason, MqttProperties.EMPTY);
                // the client forgets the id on PUBCOMP and may reuse it: the release must be on disk first, or a
                // crash would bring back a stale id
                session.afterCommit(() -> connection.send(pubcomp));
            });
            default -> connection.protocolViolation(ReasonCode.PROTOCOL_ERROR, "unexpected " + response.type());
        }
    }

    /**
     * An acknowledgement of the wrong kind for a message in flight (PUBACK for QoS 2, PUBREC or PUBCOMP for QoS 1,
     * PUBCOMP before PUBREC, PUBACK or PUBREC after PUBREL) breaks the receiver's side of the handshake (3.1.1
     * [MQTT-4.3.2-2], [MQTT-4.3.3-2]; 5.0 [MQTT-4.3.2-4], [MQTT-4.3.3-8]): a protocol violation, closed (5.0: after
     * DISCONNECT 0x82 [MQTT-4.13.1-1]). The message stays in the session and is sent again
     * (DUP, or its PUBREL) when the client resumes [MQTT-4.4.0-1].
     */
    private void checkAck(AckOutcome outcome, PubResponse response) {
        if (outcome == AckOutcome.WRONG_KIND) {
            connection.protocolViolation(ReasonCode.PROTOCOL_ERROR, response.type() + " for packet id " + response.packetId()
                    + ", which is in flight awaiting another acknowledgement");
        }
    }

    void subscribe(Session session, Subscribe subscribe) {
        BrokerCapabilities offered = services.capabilities();
        List<Integer> ids = subscribe.properties().subscriptionIdentifiers();
        if (!ids.isEmpty() && !offered.subscriptionIdentifiers()) {
            // Subscription Identifier Available = 0 was advertised: DISCONNECT 0xA1 (spec 3.8.2.1.2)
            connection.protocolViolation(ReasonCode.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED, "subscription identifiers are not available");
            return;
        }
        for (Subscription s : subscribe.subscriptions()) {
            if (s.noLocal() && Distributor.isShared(s.filter())) {
                // [MQTT-3.8.3-4]: No Local on a shared subscription is a protocol error
                connection.protocolViolation(ReasonCode.PROTOCOL_ERROR, "No Local set on shared subscription " + s.filter());
                return;
            }
        }
        int identifier = ids.isEmpty() ? 0 : ids.get(0);
        session.execute(() -> {
            ClientInfo client = session.clientInfo();
            boolean v5 = connection.version().isV5();
            List<Integer> codes = new ArrayList<>(subscribe.subscriptions().size());
            List<Subscription> granted = new ArrayList<>();
            List<Boolean> isNew = new ArrayList<>();
            for (Subscription requested : subscribe.subscriptions()) {
                String filter = requested.filter();
                boolean shared = Distributor.isShared(filter);
                boolean valid = TopicSyntax.isValidTopicFilter(filter);
                String overLimit = valid ? topicLimits.violation(filter) : null;
                int code;
                if (!valid) {
                    code = v5 ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.V3_SUBACK_FAILURE;
                } else if (shared && !offered.sharedSubscriptions()) {
                    code = v5 ? ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED : ReasonCode.V3_SUBACK_FAILURE;
                } else if (!offered.wildcardSubscriptions() && (filter.contains("+") || filter.contains("#"))) {
                    code = v5 ? ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED : ReasonCode.V3_SUBACK_FAILURE;
                } else if (overLimit != null) {
                    // 0x8F Topic Filter invalid: "correctly formed but not allowed for this Client" (spec 3.9.3)
                    LOG.info("client {}: subscription refused: {}", client.clientId(), LogSafe.text(overLimit));
                    services.metrics().limitHit("topic");
                    code = v5 ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.V3_SUBACK_FAILURE;
                } else if (!services.authorization().maySubscribe(client, filter, requested.qos())) {
                    LOG.info("client {}: subscription to {} not authorized", client.clientId(), LogSafe.text(filter));
                    code = v5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_SUBACK_FAILURE;
                } else if (overQuota(session, filter)) {
                    // 0x97 Quota exceeded (spec 3.9.3); 3.1.1 has only 0x80 Failure [MQTT-3.9.3-2]
                    LOG.info("client {}: subscription to {} refused: already {} subscriptions (max_subscriptions_per_client)",
                            client.clientId(), LogSafe.text(filter), session.subscriptions().size());
                    services.metrics().limitHit("subscriptions");
                    code = v5 ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.V3_SUBACK_FAILURE;
                } else if (!session.subscriptions().containsKey(filter) && !services.sessions().maySubscribeOneMore(session.owner())) {
                    LOG.info("client {}: subscription to {} refused: user {} holds {} subscriptions (max_subscriptions_per_user)",
                            client.clientId(), LogSafe.text(filter), LogSafe.text(session.owner()), services.sessions().subscriptionsOf(session.owner()));
                    services.metrics().limitHit("subscriptions_per_user");
                    code = v5 ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.V3_SUBACK_FAILURE;
                } else {
                    int qos = Math.min(requested.qos(), offered.maximumQos());
                    Subscription accepted = v5 ? new Subscription(filter, qos, requested.noLocal(), requested.retainAsPublished(), requested.retainHandling())
                            : Subscription.of(filter, qos);
                    // [MQTT-3.8.4-3]: a subscription to the same filter replaces the old one
                    SessionSubscription remembered = new SessionSubscription(accepted, identifier);
                    boolean fresh = session.addSubscription(remembered) == null;
                    services.lifecycle().persistence().subscribed(session, remembered);
                    services.distributor().subscribe(session, accepted, identifier);
                    // retained messages are not sent to shared subscriptions (spec 4.8.2)
                    if (!shared) {
                        granted.add(accepted);
                        isNew.add(fresh);
                    }
                    code = qos; // granted QoS 0..2 [MQTT-3.9.3-1]
                }
                codes.add(code);
            }
            long subscribedNanos = System.nanoTime(); // every granted subscription is in the tree now
            // [MQTT-3.8.4-1]: SUBACK with the same packet id, one code per filter in order [MQTT-3.8.4-6]; a
            // persistent session's subscriptions are committed before it (a SUBACK'd subscription survives a crash)
            session.afterCommit(() -> afterSubscribed(session, client, subscribe, codes, granted, isNew, identifier, subscribedNanos));
        });
    }

    private void afterSubscribed(Session session, ClientInfo client, Subscribe subscribe, List<Integer> codes, List<Subscription> granted,
                                 List<Boolean> isNew, int identifier, long subscribedNanos) {
        connection.send(new SubAck(subscribe.packetId(), codes, MqttProperties.EMPTY));
        for (int i = 0; i < granted.size(); i++) {
            Subscription s = granted.get(i);
            // Retain Handling: 0 always, 1 only for a new subscription, 2 never [MQTT-3.3.1-9], [MQTT-3.3.1-10]
            if (s.retainHandling() == 0 || (s.retainHandling() == 1 && isNew.get(i))) {
                services.distributor().sendRetained(session, s, identifier, subscribedNanos);
            }
        }
        for (int i = 0; i < codes.size(); i++) {
            if (!ReasonCode.isFailure(codes.get(i))) {
                services.events().subscribed(client, subscribe.subscriptions().get(i).filter(), codes.get(i));
            }
        }
    }

    /** Whether a new subscription to {@code filter} would go over the per-client limit (replacing one never does). */
    private boolean overQuota(Session session, String filter) {
        int max = services.limits().maxSubscriptionsPerClient();
        return max > 0 && !session.subscriptions().containsKey(filter) && session.subscriptions().size() >= max;
    }

    void unsubscribe(Session session, Unsubscribe unsubscribe) {
        session.execute(() -> {
            ClientInfo client = session.clientInfo();
            List<Integer> codes = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            for (String filter : unsubscribe.filters()) {
                if (session.removeSubscription(filter) != null) {
                    services.distributor().unsubscribe(session, filter);
                    services.lifecycle().persistence().unsubscribed(session, filter);
                    removed.add(filter);
                    codes.add(ReasonCode.SUCCESS);
                } else {
                    codes.add(ReasonCode.NO_SUBSCRIPTION_EXISTED);
                }
            }
            // [MQTT-3.10.4-4]: UNSUBACK even if nothing was removed; 3.1.1 carries no codes; after the removal is on disk
            session.afterCommit(() -> {
                connection.send(new UnsubAck(unsubscribe.packetId(), connection.version().isV5() ? codes : List.of(), MqttProperties.EMPTY));
                for (String filter : removed) {
                    services.events().unsubscribed(client, filter);
                }
            });
        });
    }
}
