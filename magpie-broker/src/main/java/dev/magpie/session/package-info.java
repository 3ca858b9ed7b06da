/**
 * Sessions: what the broker remembers about a client id between and during connections. A
 * {@link dev.magpie.session.Session} owns its subscriptions list, the outbound in-flight window and queue,
 * inbound QoS 2 state and the will message, and records its owner (the user that created it);
 * {@link dev.magpie.session.SessionRegistry} maps client ids to sessions, refuses a claim on another owner's id
 * atomically, and counts each user's sessions and subscriptions for the per-user quotas. Each session is confined to one event-loop thread (see {@link dev.magpie.session.Session#execute}).
 *
 * {@link dev.magpie.session.SessionOutbox} decides what a session sends and when (window, queue, resend on
 * resume); {@link dev.magpie.session.InboundQos2} holds the inbound QoS 2 ids (duplicate or reuse, quota, bound);
 * {@link dev.magpie.session.SessionArrivals} is where a delivery enters, holding routed ones behind a cluster hand-over
 * ({@link dev.magpie.session.ArrivalHold}) while a session arrives from another node.
 *
 * <p>A persistent session writes its QoS 1/2 messages to the {@code store} as they move
 * ({@link dev.magpie.session.Session#persistTo}, {@link dev.magpie.session.SessionJournal}); with durable
 * acknowledgements it sends nothing before the state it creates is committed (in the order the messages came,
 * {@link dev.magpie.session.StoreJournal#afterCommit}), and the copies of an inbound QoS 2
 * message wait for the broker's ownership of it ({@link dev.magpie.session.OwnershipLatch}).
 * {@link dev.magpie.session.PublishStorage} converts a PUBLISH to the store's record and back.
 *
 * <p>This package never imports {@code routing} or {@code protocol}: it reaches a network connection through
 * {@link dev.magpie.session.SessionConnection}, which the protocol layer implements.
 */
package dev.magpie.session;
