/**
 * The administration facade of a running broker: {@link dev.magpie.admin.BrokerAdmin}, reached through
 * {@code Broker.admin()}. It lists and inspects clients and sessions, disconnects ("kicks") clients, deletes
 * offline sessions, adds and removes subscriptions for a client, lists, reads and deletes retained messages,
 * publishes, and reports listeners and counters, all as immutable records.
 *
 * <p><b>Why a Java facade under the REST API.</b> Applications that embed the broker want the same powers as
 * an operator with {@code curl}, without HTTP; and keeping the broker's internals (sessions confined to their
 * event loop, the routing tree, the store) behind one class lets the HTTP layer in {@code magpie-server}
 * ({@code dev.magpie.server.admin}) be a thin translation to JSON. Actions on a session run on the session's
 * thread through {@link dev.magpie.protocol.AdminSessions}, the same steps its client's own packets take, so
 * persistence, retained messages and events behave as for a SUBSCRIBE. Authentication and authorization of the
 * administrator are the caller's business: the facade trusts whoever holds it.
 *
 * <p>Depends on {@code session}, {@code routing}, {@code protocol} and {@code observe}; called by
 * {@link dev.magpie.Broker} and embedding applications.
 */
package dev.magpie.admin;
