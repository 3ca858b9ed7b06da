#!/usr/bin/env bash
# Three Magpie nodes and a private Redis on this machine, one message crossing from node 1 to node 3, then
# everything stopped (also on Ctrl-C or an error). Needs redis-server and mosquitto-clients; builds magpie.jar via
# bin/magpie when it is missing or stale.
#
#   examples/cluster/run.sh            run the demo and exit
#   KEEP=1 examples/cluster/run.sh     keep the cluster running until Ctrl-C (try mosquitto_pub -p 1885 / -p 1887)
#
# Ports: Redis 6390, MQTT 1885 (node 1), 1886 (node 2), 1887 (node 3), all on 127.0.0.1. The state (Redis has none
# on disk, the nodes' data directories and logs) lives in a temporary directory that is removed at exit.
set -euo pipefail

here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd -P "$here/../.." && pwd)"
redis_port=6390
work="$(mktemp -d -t magpie-cluster-XXXXXX)"
pids=()

stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

for tool in redis-server redis-cli mosquitto_pub mosquitto_sub; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install redis-server mosquitto-clients)" >&2; exit 1; }
done
if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  echo "run.sh: something already listens on 127.0.0.1:$redis_port; stop it first" >&2
  exit 1
fi

# A private Redis: loopback only, nothing written to disk.
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "redis on 127.0.0.1:$redis_port"

# Build once before starting three nodes at the same time (bin/magpie builds only a missing or stale jar).
"$repo/bin/magpie" --version >/dev/null

for n in 1 2 3; do
  mkdir -p "$work/node$n"
  ( cd "$work/node$n" && exec "$repo/bin/magpie" serve --config "$here/node$n.yaml" ) >"$work/node$n.log" 2>&1 &
  pids+=($!)
done
for n in 1 2 3; do
  for _ in $(seq 1 300); do
    grep -q "joined with" "$work/node$n.log" && grep -q "accepting MQTT" "$work/node$n.log" && break
    if ! kill -0 "${pids[$n]}" 2>/dev/null; then echo "run.sh: node $n stopped:" >&2; cat "$work/node$n.log" >&2; exit 1; fi
    sleep 0.1
  done
  grep -q "accepting MQTT" "$work/node$n.log" || { echo "run.sh: node $n did not start:" >&2; cat "$work/node$n.log" >&2; exit 1; }
  echo "node-$n on 127.0.0.1:$((1884 + n))"
done

# A subscriber on node 3, a publisher on node 1. The subscriber's route reaches node 1 within milliseconds; the
# publish is repeated (QoS 1, at most 20 times) until the subscriber has its message, so the demo never races it.
mosquitto_sub -p 1887 -t 'demo/#' -q 1 -C 1 -v -W 15 >"$work/received.txt" &
sub=$!
for i in $(seq 1 20); do
  sleep 0.25
  kill -0 "$sub" 2>/dev/null || break
  mosquitto_pub -p 1885 -t demo/hello -q 1 -m "hello from node 1 (try $i)"
done
if wait "$sub" && [ -s "$work/received.txt" ]; then
  echo "node 3 received: $(cat "$work/received.txt")"
else
  echo "run.sh: the subscriber on node 3 got nothing; node logs:" >&2
  tail -n 20 "$work"/node*.log >&2
  exit 1
fi

if [ "${KEEP:-}" = "1" ]; then
  echo "cluster running; Ctrl-C stops it (logs in $work)"
  wait "${pids[0]}"
fi
