#!/usr/bin/env bash
# QoS 1 throughput to persistent sessions for each durability setting (docs/benchmarks.md, "Durability").
# Builds the fat jar and the benchmark jar when a source is newer, then runs every configuration in
# magpie-bench/durability/*.yaml (or the files given with --config, repeatable) K times, interleaved, and
# prints a table. Broker on CPU 0, load generator on CPU 1, as the project's benchmarks require.
#
#   magpie-bench/run-durability.sh [--config FILE]... [DurabilityBench options: --runs 3 --duration 20s ...]
#
# Bounded: runs x configurations x (warm-up + duration + ~5 s), about 7 minutes with the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

configs=()
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --config) configs+=("$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [[ ${#configs[@]} -eq 0 ]]; then
  configs=(magpie-bench/durability/*.yaml)   # sorted: a-write-behind first, the baseline
fi

server_jar=magpie-server/target/magpie.jar
bench_jar=magpie-bench/target/benchmarks.jar
stale() {  # true if $1 is missing or older than any source or pom of the modules it is built from
  [[ ! -f "$1" ]] && return 0
  [[ -n "$(find magpie-broker/src/main magpie-server/src/main magpie-bench/src/main pom.xml */pom.xml \
            -newer "$1" -type f -print -quit)" ]]
}
if stale "$server_jar" || stale "$bench_jar"; then
  echo "building $server_jar and $bench_jar ..."
  mvn -q -B -o -pl magpie-server,magpie-bench -am package -DskipTests
fi

# The generator on CPU 1; it starts the broker under "taskset -c 0" itself (the --broker-cpu option).
exec taskset -c 1 java -Xms256m -Xmx256m -cp "$bench_jar" dev.magpie.bench.durability.DurabilityBench \
  --jar "$server_jar" ${args[@]+"${args[@]}"} "${configs[@]}"
