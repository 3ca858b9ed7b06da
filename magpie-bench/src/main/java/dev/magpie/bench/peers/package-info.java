/**
 * Other MQTT brokers, started only to be measured beside Magpie by {@code magpie-bench/run-peers.sh}
 * (docs/benchmarks.md, "Peers side by side"). Never part of the broker: their libraries are {@code provided}
 * dependencies of magpie-bench only (compiled against, not in benchmarks.jar), and each peer runs on its own
 * upstream-resolved class path (the script resolves it separately, so HiveMQ CE and Moquette get the Netty they were
 * built with, not Magpie's).
 *
 * <ul>
 *   <li>{@link dev.magpie.bench.peers.HiveMqPeer}, {@link dev.magpie.bench.peers.MoquettePeer}: a main each that starts
 *       the broker on 127.0.0.1 and a given port, anonymous, in memory, and prints {@code READY port} when it listens.</li>
 *   <li>{@link dev.magpie.bench.peers.PeerTable}: the medians over rounds of the generator's JSON results and the
 *       markdown table written into docs/benchmarks.md.</li>
 * </ul>
 */
package dev.magpie.bench.peers;
