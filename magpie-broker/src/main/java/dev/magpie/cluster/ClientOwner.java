package dev.magpie.cluster;

/**
 * Who owns a client id cluster-wide: the node incarnation that claimed it and the epoch of that claim.
 *
 * @param node  the owning node incarnation
 * @param epoch the claim's epoch (grows by one with every claim of this client id)
 */
public record ClientOwner(NodeIdentity node, long epoch) {
}
