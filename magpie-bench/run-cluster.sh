#!/usr/bin/env bash
# Cross-node throughput and latency (docs/benchmarks.md, "Cluster"; issue 13): a private redis-server and 1, 2 or 3
# `bin/magpie serve` nodes on 127.0.0.1, the nodes and Redis pinned to one set of CPUs, the load generator
# (`bin/magpie bench`) to another, with publishers on node 1 and subscribers on the last node (--subscriber-port), so
# with 2 or 3 nodes every message crosses nodes through Redis. Prints the generator's result (throughput, latency
# percentiles) and Redis CPU per delivered message, read from /proc/<redis pid>/stat before and after the run.
#
#   magpie-bench/run-cluster.sh --nodes 3                          pairs at QoS 0, 10 s measured
#   magpie-bench/run-cluster.sh --nodes 2 --duration 5 --rate 2000 --qos 1
#   magpie-bench/run-cluster.sh --nodes 1                          the same load without crossing (the baseline)
#
# Options: --nodes N (1..3, default 3), --scenario S (pairs; fanout: 1 publisher, --subscribers S), --rate R (5000
# PUBLISH/s offered), --qos Q (0), --pairs P (10 publishers and 10 subscribers), --payload B (64), --duration S (10),
# --warmup S (2), --port P (first node's MQTT port, 18850; node n gets P+n-1; Redis P+10), --help.
# Environment: NODE_CPUS (taskset list for nodes and Redis, default 0), GEN_CPUS (for the generator, default 1),
# MAGPIE_JAVA_OPTS (the nodes' JVM). Needs taskset, redis-server, redis-cli; the figures only mean something on an
# otherwise quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

nodes=3 scenario=pairs rate=5000 qos=0 pairs=10 payload=64 duration=10 warmup=2 port=18850
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --scenario) scenario="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --qos) qos="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --payload) payload="$2"; shift 2 ;;
    --duration) duration="${2%s}"; shift 2 ;;
    --warmup) warmup="${2%s}"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-cluster.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$nodes" =~ ^[123]$ ]] || { echo "run-cluster.sh: --nodes must be 1, 2 or 3" >&2; exit 2; }
for tool in taskset redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "run-cluster.sh: $tool is missing" >&2; exit 1; }
done
node_cpus="${NODE_CPUS:-0}"
gen_cpus="${GEN_CPUS:-1}"
redis_port=$((port + 10))
work="$(mktemp -d -t magpie-cluster-bench-XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

taskset -c "$node_cpus" redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
redis_pid=$!
pids+=("$redis_pid")
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

"$repo/bin/magpie" --version >/dev/null                 # build once (only when stale), before the nodes start
for n in $(seq 1 "$nodes"); do
  mkdir -p "$work/node$n"
  cat >"$work/node$n.yaml" <<YAML
data_dir: $work/node$n
listeners:
  - {name: tcp, type: tcp, bind: 127.0.0.1, port: $((port + n - 1)), allow_anonymous: true}
sys_interval: 0s
cluster:
  enabled: true
  node_id: bench-$n
  redis: {uri: "redis://127.0.0.1:$redis_port"}
YAML
  taskset -c "$node_cpus" "$repo/bin/magpie" serve --config "$work/node$n.yaml" >"$work/node$n.log" 2>&1 &
  pids+=($!)
done
for n in $(seq 1 "$nodes"); do
  for _ in $(seq 1 300); do grep -q "accepting MQTT" "$work/node$n.log" && break; sleep 0.1; done
  grep -q "accepting MQTT" "$work/node$n.log" || { echo "run-cluster.sh: node $n did not start:" >&2; cat "$work/node$n.log" >&2; exit 1; }
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
subscribers=$pairs
[ "$scenario" = fanout ] && publishers=1 || publishers=$pairs
before=$(cpu_ticks "$redis_pid")
taskset -c "$gen_cpus" "$repo/bin/magpie" bench --scenario "$scenario" --port "$port" \
  --subscriber-port $((port + nodes - 1)) --publishers "$publishers" --subscribers "$subscribers" --rate "$rate" \
  --qos "$qos" --payload "$payload" --duration "$duration" --warmup "$warmup" --quiet \
  --label "cluster-$nodes-nodes" --json "$work/result.json"
after=$(cpu_ticks "$redis_pid")
hz=$(getconf CLK_TCK)
delivered=$(grep -o '"delivered" *: *[0-9.]*' "$work/result.json" | head -1 | grep -o '[0-9.]*$')
echo
echo "nodes: $nodes, publishers on node 1 (port $port), subscribers on node $nodes (port $((port + nodes - 1)))"
awk -v t=$((after - before)) -v hz="$hz" -v d="${delivered:-0}" 'BEGIN {
  s = t / hz; printf "redis CPU: %.2f s for %d delivered messages", s, d
  if (d > 0) printf " = %.1f us per message", s * 1e6 / d
  printf "\n" }'
