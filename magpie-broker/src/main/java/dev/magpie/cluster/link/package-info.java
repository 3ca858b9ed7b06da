/**
 * Joins one broker to a cluster through a {@link dev.magpie.cluster.ClusterBackend}: {@link
 * dev.magpie.cluster.link.ClusterLink} publishes the broker's distinct local filters and shared group keys as routes,
 * forwards each publication once to every node whose plain routes match and to one node per shared group without a
 * local member ({@link dev.magpie.cluster.link.SharedRoutes}), batched per destination, and hands what arrives in this
 * node's inbox to the local subscribers and the named groups. {@link dev.magpie.cluster.link.ClusterRetained} keeps
 * the local retained index in step with the store's (versions per topic, full read at start and reconnect).
 * {@link dev.magpie.cluster.link.ForwardedPublish} is the message's form between nodes and in the retained store.
 * {@link dev.magpie.cluster.link.Outgoing} holds what goes to other nodes (bounded, batched, resent with the same
 * numbers), {@link dev.magpie.cluster.link.ForwardBarrier} lets a publisher's acknowledgement wait until those copies
 * are stored, and {@link dev.magpie.cluster.link.LocalRoutes} publishes the local filters' changes. Sessions, takeover,
 * wills and a dead node's clients are {@code dev.magpie.cluster.session}'s.
 *
 * <p>Called by {@code dev.magpie} (the broker's assembly); calls {@code routing}, {@code session} (publications) and
 * {@code dev.magpie.cluster}.
 */
package dev.magpie.cluster.link;
