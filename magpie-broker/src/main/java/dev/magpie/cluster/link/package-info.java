/**
 * Joins one broker to a cluster through a {@link dev.magpie.cluster.ClusterBackend}: {@link
 * dev.magpie.cluster.link.ClusterLink} publishes the broker's distinct local filters as routes, forwards each
 * publication once to every node whose routes match (batched per destination), and hands what arrives in this node's
 * inbox to the local subscribers. {@link dev.magpie.cluster.link.ForwardedPublish} is the message's form between
 * nodes. The first, simplest path only: no retained, session, takeover, will or shared-subscription handling yet (see
 * {@code docs/cluster.md}).
 *
 * <p>Called by {@code dev.magpie} (the broker's assembly); calls {@code routing}, {@code session} (publications) and
 * {@code dev.magpie.cluster}.
 */
package dev.magpie.cluster.link;
