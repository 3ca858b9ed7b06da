/**
 * The cluster's shared state, behind a small interface of our own: {@link dev.magpie.cluster.ClusterBackend} is what
 * several Magpie nodes need from a store they all reach (Redis today, in {@code magpie-cluster-redis}), and nothing
 * more. Each node keeps its connections and sessions in memory; the backend carries only what nodes must share:
 * <ul>
 *   <li>liveness: one lease per node ({@link dev.magpie.cluster.NodeLease}), and a single cleanup winner per dead
 *       node incarnation;</li>
 *   <li>routes: each node's set of <em>distinct</em> local filters, changed by numbered deltas
 *       ({@link dev.magpie.cluster.RouteDelta}) and re-read whole ({@link dev.magpie.cluster.RouteSnapshot}) on a gap;
 *       {@link dev.magpie.cluster.RemoteRoutes} keeps a node's copy of everyone else's and does the gap detection;</li>
 *   <li>delivery: a per-node inbox, at least once, stamped (origin, incarnation, sequence)
 *       ({@link dev.magpie.cluster.InboxMessage}) so the receiver drops duplicates
 *       ({@link dev.magpie.cluster.InboxDeduper}); a message keeps the stamp of the node that routed it first
 *       ({@link dev.magpie.cluster.MessageStamp}) on every copy, so two copies of it are told from two messages;</li>
 *   <li>client-id ownership: a claim bumps an epoch and names the previous owner
 *       ({@link dev.magpie.cluster.OwnershipClaim}); a session write carrying a stale epoch is refused;</li>
 *   <li>retained messages: set, delete and load-all, with change events for each node's local index
 *       ({@link dev.magpie.cluster.RetainedEntry}).</li>
 * </ul>
 *
 * <p>The interface is engine-neutral: every key an implementation needs is literal (per node, per client, per bucket),
 * so it maps onto Redis Cluster with hash tags, and MQTT wildcards are never turned into store-side patterns: each node
 * matches publishes against its own copy of the routes. Message bodies, session state and retained payloads are opaque
 * bytes here; what they contain is decided by the broker layer that uses this package.
 *
 * <p>{@link dev.magpie.cluster.LocalClusterBackend} is an in-memory implementation for tests (several nodes in one
 * JVM share a {@link dev.magpie.cluster.LocalClusterHub}). {@link dev.magpie.cluster.LeaseWatcher} renews a
 * node's lease and finds dead peers. {@code dev.magpie.cluster.link} joins a broker to a backend (the simplest path so
far, see {@code docs/cluster.md}).
 *
 * <p>This package depends only on the JDK: no Netty, no broker internals, so any layer may use it.
 */
package dev.magpie.cluster;
