package dev.magpie.protocol;

import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.codec.TopicSyntax;
import dev.magpie.routing.Distributor;
import dev.magpie.session.Session;
import dev.magpie.session.SessionConnection;
import dev.magpie.session.SessionSubscription;
import dev.magpie.spi.ClientInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What an administrator does to a session from outside its connection (the {@code dev.magpie.admin} facade
 * calls it): disconnect it, end it, subscribe or unsubscribe it. Each action runs on the session's own thread,
 * like the client's own packets would, and takes the very steps a SUBSCRIBE or UNSUBSCRIBE takes
 * ({@link InboundFlows}): the session's map, the store for a persistent session, the routing tree, then, once
 * that is committed, the retained messages the Retain Handling asks for [MQTT-3.3.1-9] and the
 * {@code subscribed} event. The ACL is not asked: the administrator acts for the client. Results come back as
 * futures the caller may wait on (from an HTTP thread, never an event loop).
 */
public final class AdminSessions {
    private static final Logger LOG = LoggerFactory.getLogger(AdminSessions.class);

    /** What {@link #delete} found. */
    public enum Deletion {
        /** The session was offline and is gone now. */
        DELETED,
        /** A client is connected with it: kick it first. */
        CONNECTED,
        /** It had already ended. */
        GONE
    }

    private final FlowServices services;

    public AdminSessions(FlowServices services) {
        this.services = services;
    }

    /** Runs {@code read} on the session's thread and hands back its answer (for snapshots of session state). */
    public <T> CompletableFuture<T> read(Session session, Function<Session, T> read) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!session.execute(() -> complete(result, () -> read.apply(session)))) {
            result.completeExceptionally(new IllegalStateException("the broker is stopping"));
        }
        return result;
    }

    /**
     * Disconnects the session's client: a 5.0 client is told DISCONNECT 0x98 Administrative action, a 3.x
     * connection is closed, the same way a new ban disconnects the clients it matches. With {@code endSession}
     * the session ends with the connection (its expiry is set to 0 first, so the loss of the connection ends it
     * [MQTT-3.1.2-23]). Completes with false if no client was connected. The will is published as for any
     * connection the server closes [MQTT-3.1.2-8].
     */
    public CompletableFuture<Boolean> kick(Session session, boolean endSession) {
        return read(session, s -> {
            SessionConnection connection = s.connection();
            if (connection == null || s.isEnded()) {
                return false;
            }
            if (endSession) {
                s.expirySeconds(0);
            }
            String why = "kicked by an administrator" + (endSession ? " (session deleted)" : "");
            if (connection instanceof MqttConnection mqtt) {
                mqtt.disconnectIf(client -> true, ReasonCode.ADMINISTRATIVE_ACTION, why);
            } else {
                connection.disconnect(ReasonCode.ADMINISTRATIVE_ACTION, why);
            }
            return true;
        });
    }

    /**
     * Ends an offline session for good: its subscriptions leave the tree, its queued messages and stored copy
     * go. A will still waiting for its delay is published now, as at the end of any session [MQTT-3.1.3-9].
     */
    public CompletableFuture<Deletion> delete(Session session) {
        return read(session, s -> {
            if (s.isEnded()) {
                return Deletion.GONE;
            }
            if (s.isConnected()) {
                return Deletion.CONNECTED;
            }
            services.lifecycle().publishWill(s);
            services.lifecycle().end(s);
            LOG.info("session {} deleted by an administrator", s.clientId());
            return Deletion.DELETED;
        });
    }

    /**
     * Subscribes the session to {@code subscription} as if its client had sent a SUBSCRIBE with it, without the
     * ACL check; completes with the granted QoS once the subscription is committed (persistent sessions) and the
     * retained messages are on their way.
     *
     * @throws IllegalArgumentException (in the future) if the filter is not a valid topic filter or names a
     *                                  feature the broker does not offer
     */
    public CompletableFuture<Integer> subscribe(Session session, Subscription subscription) {
        String filter = subscription.filter();
        if (!TopicSyntax.isValidTopicFilter(filter)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("'" + filter + "' is not a valid topic filter"));
        }
        boolean shared = Distributor.isShared(filter);
        if (shared && !services.capabilities().sharedSubscriptions()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("shared subscriptions are not offered by this broker"));
        }
        if (shared && subscription.noLocal()) {
            // [MQTT-3.8.3-4]
            return CompletableFuture.failedFuture(new IllegalArgumentException("No Local cannot be set on a shared subscription"));
        }
        if (subscription.qos() < 0 || subscription.qos() > 2 || subscription.retainHandling() < 0 || subscription.retainHandling() > 2) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("qos and retainHandling must be 0, 1 or 2"));
        }
        CompletableFuture<Integer> granted = new CompletableFuture<>();
        boolean queued = session.execute(() -> {
            if (session.isEnded()) {
                granted.completeExceptionally(new IllegalStateException("the session of " + session.clientId() + " has ended"));
                return;
            }
            int qos = Math.min(subscription.qos(), services.capabilities().maximumQos());
            Subscription accepted = new Subscription(filter, qos, subscription.noLocal(), subscription.retainAsPublished(),
                    subscription.retainHandling());
            SessionSubscription remembered = new SessionSubscription(accepted, 0);
            boolean fresh = session.addSubscription(remembered) == null; // [MQTT-3.8.4-3]: replaces one of the same filter
            services.lifecycle().persistence().subscribed(session, remembered);
            services.distributor().subscribe(session, accepted, 0);
            long subscribedNanos = System.nanoTime();
            ClientInfo client = session.clientInfo();
            session.afterCommit(() -> {
                // Retain Handling as for a SUBSCRIBE [MQTT-3.3.1-9], [MQTT-3.3.1-10]; none for shared subscriptions (4.8.2)
                if (!shared && (accepted.retainHandling() == 0 || (accepted.retainHandling() == 1 && fresh))) {
                    services.distributor().sendRetained(session, accepted, 0, subscribedNanos);
                }
                if (client != null) {
                    services.events().subscribed(client, filter, qos);
                }
                LOG.info("client {}: subscribed to {} by an administrator", session.clientId(), dev.magpie.observe.LogSafe.text(filter));
                granted.complete(qos);
            });
        });
        if (!queued) {
            granted.completeExceptionally(new IllegalStateException("the broker is stopping"));
        }
        return granted;
    }

    /** Removes the session's subscription to {@code filter} as an UNSUBSCRIBE would; completes with whether there was one. */
    public CompletableFuture<Boolean> unsubscribe(Session session, String filter) {
        CompletableFuture<Boolean> removed = new CompletableFuture<>();
        boolean queued = session.execute(() -> {
            if (session.removeSubscription(filter) == null) {
                removed.complete(false);
                return;
            }
            services.distributor().unsubscribe(session, filter);
            services.lifecycle().persistence().unsubscribed(session, filter);
            ClientInfo client = session.clientInfo();
            session.afterCommit(() -> {
                if (client != null) {
                    services.events().unsubscribed(client, filter);
                }
                removed.complete(true);
            });
        });
        if (!queued) {
            removed.completeExceptionally(new IllegalStateException("the broker is stopping"));
        }
        return removed;
    }

    private static <T> void complete(CompletableFuture<T> result, java.util.function.Supplier<T> work) {
        try {
            result.complete(work.get());
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }
}
