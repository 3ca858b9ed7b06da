/**
 * Sessions: what the broker remembers about a client id between and during connections. A
 * {@link dev.magpie.session.Session} owns its subscriptions list, the outbound in-flight window and queue,
 * inbound QoS 2 state and the will message; {@link dev.magpie.session.SessionRegistry} maps client ids to
 * sessions. Each session is confined to one event-loop thread (see {@link dev.magpie.session.Session#execute}).
 *
 * <p>This package never imports {@code routing} or {@code protocol}: it reaches a network connection through
 * {@link dev.magpie.session.SessionConnection}, which the protocol layer implements.
 */
package dev.magpie.session;
