package dev.magpie.routing;

import dev.magpie.codec.Publish;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.security.AuthorizationChain;
import dev.magpie.session.Publication;
import dev.magpie.session.Session;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fans a message out: matches the subscription tree once, merges overlapping subscriptions of the same
 * client into one delivery at the highest granted QoS [MQTT-3.3.5-1], applies each subscription's options
 * (No Local, Retain As Published), asks the authorizers per recipient, and hands the shared
 * {@link Publication} to each session. Also owns retained messages: storing, clearing, and sending them to
 * new subscriptions. It never touches a network channel.
 */
public final class Distributor {
    private final SubscriptionTree<SubscriptionEntry> subscriptions = new SubscriptionTree<>();
    private final RetainedIndex<Publish> retained = new RetainedIndex<>();
    private final AuthorizationChain authorization;

    public Distributor(AuthorizationChain authorization) {
        this.authorization = authorization;
    }

    public void subscribe(Session session, Subscription subscription) {
        subscriptions.put(subscription.filter(), session.clientId(), new SubscriptionEntry(session, subscription));
    }

    public void unsubscribe(Session session, String filter) {
        subscriptions.remove(filter, session.clientId());
    }

    public int subscriptionCount() {
        return subscriptions.size();
    }

    public int retainedCount() {
        return retained.size();
    }

    /**
     * Stores or clears the retained message of the publish's topic: an empty payload clears it
     * [MQTT-3.3.1-10], anything else replaces it [MQTT-3.3.1-5].
     */
    public void retain(Publish publish) {
        if (publish.payload().length == 0) {
            retained.remove(publish.topic());
        } else {
            retained.put(publish.topic(), new Publish(publish.topic(), publish.qos(), true, false, 0, publish.payload(), publish.properties()));
        }
    }

    /**
     * Sends the retained messages matching a new subscription, with RETAIN set [MQTT-3.3.1-8], at the lower of
     * their QoS and the granted one.
     */
    public void sendRetained(Session session, Subscription subscription) {
        retained.match(subscription.filter(), (topic, publish) -> {
            ClientInfo subscriber = session.clientInfo();
            int qos = Math.min(publish.qos(), subscription.qos());
            if (!authorization.isEmpty() && !authorization.mayDeliver(subscriber, new Message(topic, publish.payload(), qos, true))) {
                return;
            }
            Publication publication = new Publication(publish, "$retained");
            try {
                session.deliver(publication, qos, true);
            } finally {
                publication.release();
            }
        });
    }

    /** Routes {@code publication} to every matching subscription; returns the number of sessions it went to. */
    public int distribute(Publication publication) {
        Publish publish = publication.publish();
        List<SubscriptionEntry> matches = new ArrayList<>(4);
        subscriptions.match(publish.topic(), (clientId, filter, entry) -> matches.add(entry));
        if (matches.isEmpty()) {
            return 0;
        }
        if (matches.size() == 1) {
            return deliver(publication, matches.get(0).session(), matches.get(0).options()) ? 1 : 0;
        }
        Map<Session, Target> targets = new HashMap<>();
        for (SubscriptionEntry e : matches) {
            if (e.options().noLocal() && e.session().clientId().equals(publication.originClientId())) {
                continue;
            }
            targets.computeIfAbsent(e.session(), s -> new Target()).merge(e.options());
        }
        int count = 0;
        for (Map.Entry<Session, Target> t : targets.entrySet()) {
            Target target = t.getValue();
            if (deliver(publication, t.getKey(), new Subscription("", target.qos, false, target.retainAsPublished, 0))) {
                count++;
            }
        }
        return count;
    }

    private boolean deliver(Publication publication, Session session, Subscription options) {
        Publish publish = publication.publish();
        // No Local: never send a client its own message back on this subscription [MQTT-3.8.3-3]
        if (options.noLocal() && session.clientId().equals(publication.originClientId())) {
            return false;
        }
        int qos = Math.min(publish.qos(), options.qos());
        // RETAIN is cleared on normal delivery unless Retain As Published [MQTT-3.3.1-12], [MQTT-3.3.1-13]
        boolean retainFlag = options.retainAsPublished() && publish.retain();
        if (!authorization.isEmpty()) {
            ClientInfo subscriber = session.clientInfo();
            if (subscriber != null && !authorization.mayDeliver(subscriber, new Message(publish.topic(), publish.payload(), qos, publish.retain()))) {
                return false;
            }
        }
        session.deliver(publication, qos, retainFlag);
        return true;
    }

    /** Overlapping subscriptions of one client, merged. */
    private static final class Target {
        int qos = -1;
        boolean retainAsPublished;

        void merge(Subscription s) {
            qos = Math.max(qos, s.qos());
            retainAsPublished |= s.retainAsPublished();
        }
    }
}
