package dev.magpie.cluster;

/**
 * What the backend knows about one member node: whether its lease is still held by the incarnation that registered,
 * and the sequence number of the last route change it published (a peer whose copy is older resyncs, which repairs a
 * lost delta even when no later delta arrives).
 *
 * @param node     the member as registered (id and incarnation)
 * @param alive    its lease key exists and names this incarnation
 * @param routeSeq the sequence of its last route delta, 0 when it published none
 */
public record NodeLease(NodeIdentity node, boolean alive, long routeSeq) {
}
