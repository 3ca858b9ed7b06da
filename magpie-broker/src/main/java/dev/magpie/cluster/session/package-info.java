/**
 * The cluster's side of sessions: who owns a client id (claims fenced by epoch, takeover across nodes with 0x8E), and
 * what a node does when its lease had expired (self-fencing), and persistent sessions moving between nodes (the owner's
 * copy in the store, {@link dev.magpie.cluster.session.SessionStateCodec}, loaded by the node that takes the client
 * over, with {@link dev.magpie.cluster.session.SessionStates} between the live session and the stored one; the old
 * owner's undelivered messages handed over, ahead of what was routed to the new owner meanwhile:
 * {@link dev.magpie.cluster.session.SessionHandOver}), and a dead node's clients ({@link dev.magpie.cluster.session.DeadNodeCleanup}:
 * wills published once, persistent sessions adopted, its inbox drained). Plugged into the CONNECT gate as its
 * {@link dev.magpie.protocol.ClientIdClaims} and into the {@link dev.magpie.cluster.link.ClusterLink} for control
 * messages and lease news; created by the broker core when the broker is a cluster node, used by nothing else.
 */
package dev.magpie.cluster.session;
