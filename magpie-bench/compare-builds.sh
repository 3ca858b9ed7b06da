#!/usr/bin/env bash
# Two builds of Magpie side by side (docs/benchmarks.md, "The whole broker, before and after"): broker CPU per delivery
# of each at fixed rates, the broker on CPU 0 and the generator on CPU 1, the builds alternating first/second per round.
#
#   magpie-bench/compare-builds.sh OLD.jar NEW.jar              3 rounds of the four fixed-rate loads below
#   ROUNDS=5 SCENARIOS="fanout-100k" magpie-bench/compare-builds.sh a/magpie.jar b/magpie.jar
#   NEW_JAVA_OPTS="-Dsome.switch=on" magpie-bench/compare-builds.sh x.jar x.jar      one jar, two JVM settings
#   NEW_YAML=$'io:\n  transport: io_uring' magpie-bench/compare-builds.sh x.jar x.jar     one jar, two configs
#
# A build's jar is made with `mvn -q -pl magpie-server -am package -DskipTests` in its own worktree
# (`git worktree add /tmp/old <commit>`). Prints one line per run (round, scenario, build, µs per delivery,
# deliveries/s, p99 µs) and the medians; the JSON of each run is kept under magpie-bench/target/compare/.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -eq 2 && -f "$1" && -f "$2" ]] || { echo "usage: $0 OLD.jar NEW.jar (two magpie-server jars)" >&2; exit 2; }
jars=("$1" "$2")
java_opts=("${OLD_JAVA_OPTS:-}" "${NEW_JAVA_OPTS:-}")
yaml_extra=("${OLD_YAML:-}" "${NEW_YAML:-}")
rounds="${ROUNDS:-3}"
scenarios=(${SCENARIOS:-pairs-20k fanout-100k qos1-10k fanout-400k})
out=magpie-bench/target/compare
mkdir -p "$out"
rm -f "$out"/*.json
cat > "$out/base.yaml" <<YAML
# the peer script's settings: one anonymous listener on 127.0.0.1, nothing persisted
listeners:
  - name: tcp
    bind: 127.0.0.1
    allow_anonymous: true
security:
  users: none
persistence:
  enabled: false
YAML
# each side's file: the base, then what OLD_YAML / NEW_YAML add (top-level keys the base does not have)
for i in 0 1; do
  { cat "$out/base.yaml"; if [[ -n "${yaml_extra[$i]}" ]]; then printf "%s\n" "${yaml_extra[$i]}"; fi; } > "$out/magpie-b$i.yaml"
done
load() {
  case "$1" in
    pairs-20k) echo "--scenario pairs --publishers 1 --qos 0 --payload 16 --rate 20000" ;;
    fanout-100k) echo "--scenario fanout --publishers 1 --subscribers 50 --qos 0 --payload 16 --rate 2000" ;;
    qos1-10k) echo "--scenario pairs --publishers 1 --qos 1 --payload 16 --rate 10000" ;;
    fanout-400k) echo "--scenario fanout --publishers 1 --subscribers 50 --qos 0 --payload 16 --rate 8000" ;;
    *) echo "unknown scenario $1 (pairs-20k fanout-100k qos1-10k fanout-400k)" >&2; return 2 ;;
  esac
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
for round in $(seq "$rounds"); do
  for scenario in "${scenarios[@]}"; do
    args="$(load "$scenario")"
    order=(0 1); (( round % 2 )) || order=(1 0)
    for i in "${order[@]}"; do
      port="$(free_port)"
      MAGPIE_JAR="${jars[$i]}" MAGPIE_JAVA_OPTS="${java_opts[$i]}" taskset -c 0 bin/magpie serve --config "$out/magpie-b$i.yaml" --port "$port" > "$out/broker.log" 2>&1 &
      pid=$!
      for _ in $(seq 100); do ss -ltn | grep -q ":$port " && break; sleep 0.1; done
      # the JIT's warm-up, discarded; then the measured run
      taskset -c 1 bin/magpie bench --port "$port" $args --warmup 0 --duration 8 --drain 1 --quiet > /dev/null 2>&1 || true
      json="$out/b$i.$scenario.$round.json"
      taskset -c 1 bin/magpie bench --port "$port" $args --warmup 2 --duration 10 --drain 2 --quiet --broker-pid "$pid" \
        --json "$json" > /dev/null 2>&1 || true
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      python3 - "$json" "$round" "$scenario" "b$i" <<'PY'
import json, sys
path, r, s, b = sys.argv[1:]
try:
    d = json.load(open(path))
    print(r, s, b, d.get("broker_cpu_us_per_delivery"), round(d.get("delivery_rate", 0)), d.get("latency_p99_us"))
except (OSError, ValueError):
    print(r, s, b, "no result")
PY
    done
  done
done
echo "medians (µs of broker CPU per delivery; b0 = $1, b1 = $2):"
python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
rows = {}
for p in glob.glob(os.path.join(sys.argv[1], "*.json")):
    b, s, _ = os.path.basename(p)[:-5].split(".", 2)
    rows.setdefault((s, b), []).append(json.load(open(p))["broker_cpu_us_per_delivery"])
for (s, b), v in sorted(rows.items()):
    print(f"{s:12} {b}  median {statistics.median(v):.3f}  runs {sorted(v)}")
PY
