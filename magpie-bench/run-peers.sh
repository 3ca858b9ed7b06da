#!/usr/bin/env bash
# Peers side by side (docs/benchmarks.md, "Peers side by side"; issue 11): Magpie, mosquitto, HiveMQ CE, aedes and
# Moquette, each alone on CPU 0 (taskset -c 0) on 127.0.0.1, anonymous, no persistence, TCP_NODELAY; the load
# generator (bin/magpie bench) on CPU 1 with --broker-pid, so broker CPU and RSS are read from /proc. For each round
# and scenario the broker order is rotated; each broker is started fresh for each run and stopped after it. The
# medians over the rounds become a markdown table (PeerTable), printed and written into docs/benchmarks.md between
# <!-- peers:begin --> and <!-- peers:end -->, with the machine, the versions and the exact commands.
#
#   magpie-bench/run-peers.sh                                  everything: 3 rounds, 10 s per run (long: see the bound)
#   magpie-bench/run-peers.sh --rounds 1 --duration 5s --scenarios pairs-qos0-16b     a quick check
#   magpie-bench/run-peers.sh --brokers magpie,mosquitto --scenarios latency,idle --no-doc
#
# Options: --brokers LIST (magpie,mosquitto,hivemq,aedes,moquette), --scenarios LIST (pairs-qos0-16b,
# pairs-qos0-1kb, fanout-qos0, pairs-qos1, latency, cpu-1to1, cpu-fanout, cpu-qos1, overload, idle, storm, storm-tls), --rounds N (3), --duration Ns (10s, measured
# seconds per run or sweep step), --warmup Ns (2s, the generator's per run), --drain Ns (5s, time left for messages
# still on their way after each run), --broker-warmup Ns (10s of load on each
# freshly started broker before it is measured, for the JIT), --port P (18830), --no-doc (print only), --help.
# Environment: PEER_JAVA_OPTS (JVM options of the Java brokers: Magpie, HiveMQ CE, Moquette; default none, the
# same JVM defaults for all), GEN_JAVA_OPTS (the generator's).
# Needs: taskset, ss, Maven + Java 17; mosquitto (apt-get install -y mosquitto) and node + npm (for aedes) are
# optional: a broker whose tools are missing is skipped with a message saying how to install them.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

all_brokers=(magpie mosquitto hivemq aedes moquette)
all_scenarios=(pairs-qos0-16b pairs-qos0-1kb fanout-qos0 pairs-qos1 latency cpu-1to1 cpu-fanout cpu-qos1 overload idle storm storm-tls)
brokers_arg="$(IFS=,; echo "${all_brokers[*]}")"
scenarios_arg="$(IFS=,; echo "${all_scenarios[*]}")"
rounds=3
duration=10
warmup=2
drain=5
broker_warmup=10
port=18830
write_doc=1
invocation="magpie-bench/run-peers.sh${*:+ $*}"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --brokers) brokers_arg="$2"; shift 2 ;;
    --scenarios) scenarios_arg="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="${2%s}"; shift 2 ;;
    --warmup) warmup="${2%s}"; shift 2 ;;
    --drain) drain="${2%s}"; shift 2 ;;
    --broker-warmup) broker_warmup="${2%s}"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --no-doc) write_doc=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-peers.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
IFS=, read -r -a brokers <<< "$brokers_arg"
IFS=, read -r -a scenarios <<< "$scenarios_arg"
for b in "${brokers[@]}"; do
  [[ " ${all_brokers[*]} " == *" $b "* ]] || { echo "run-peers.sh: unknown broker $b (${all_brokers[*]})" >&2; exit 2; }
done
for s in "${scenarios[@]}"; do
  [[ " ${all_scenarios[*]} " == *" $s "* ]] || { echo "run-peers.sh: unknown scenario $s (${all_scenarios[*]})" >&2; exit 2; }
done
[[ "$rounds" =~ ^[1-9][0-9]*$ && "$duration" =~ ^[0-9]+$ && "$warmup" =~ ^[0-9]+$ && "$drain" =~ ^[0-9]+$ && "$broker_warmup" =~ ^[0-9]+$ ]] \
  || { echo "run-peers.sh: --rounds, --duration, --warmup, --drain and --broker-warmup take whole numbers" >&2; exit 2; }

work="$repo/magpie-bench/target/peers"
results="$work/results"
logs="$work/logs"
rm -rf "$results" "$logs"
mkdir -p "$results" "$logs"
hivemq_version="$(sed -n 's:.*<peer.hivemq.version>\(.*\)</peer.hivemq.version>.*:\1:p' magpie-bench/pom.xml)"
moquette_version="$(sed -n 's:.*<peer.moquette.version>\(.*\)</peer.moquette.version>.*:\1:p' magpie-bench/pom.xml)"

# --- the load of each scenario (generator options); saturation scenarios are sweeps (the highest rate delivered
# in full, >= 0.999, with p99 under 50 ms), each step a fresh run. sweep_start/sweep_max bound the steps.
common=(--warmup "$warmup" --duration "$duration" --drain "$drain" --quiet)
scenario_args() {
  case "$1" in
    pairs-qos0-16b) echo "--scenario pairs --publishers 10 --qos 0 --payload 16 --sweep --rate 20000 --sweep-max 1280000 --sweep-precision 0.1" ;;
    pairs-qos0-1kb) echo "--scenario pairs --publishers 10 --qos 0 --payload 1024 --sweep --rate 10000 --sweep-max 640000 --sweep-precision 0.1" ;;
    fanout-qos0)    echo "--scenario fanout --publishers 1 --subscribers 50 --qos 0 --payload 16 --sweep --rate 1000 --sweep-max 64000 --sweep-precision 0.1" ;;
    pairs-qos1)     echo "--scenario pairs --publishers 10 --qos 1 --payload 16 --sweep --rate 5000 --sweep-max 320000 --sweep-precision 0.1" ;;
    latency)        echo "--scenario pairs --publishers 10 --qos 0 --payload 16 --rate 5000" ;;
    cpu-1to1)       echo "--scenario pairs --publishers 1 --qos 0 --payload 16 --rate 20000" ;;
    cpu-fanout)     echo "--scenario fanout --publishers 1 --subscribers 50 --qos 0 --payload 16 --rate 2000" ;;
    cpu-qos1)       echo "--scenario pairs --publishers 1 --qos 1 --payload 16 --rate 10000" ;;
    overload)       echo "--scenario fanout --publishers 1 --subscribers 50 --qos 0 --payload 16 --rate 10000" ;;
    idle)           echo "--scenario idle --connections 5000 --concurrency 100" ;;
    storm)          echo "--scenario storm --connections 2000 --concurrency 1 --source-addresses 4" ;;
    # a full TLS handshake per connection (no session resumption), the CA the script made trusted
    storm-tls)      echo "--scenario storm --connections 1000 --concurrency 1 --source-addresses 4 --tls --ca-file $work/tls/ca.crt" ;;
  esac
}
# A freshly started JVM broker is still compiling (JIT) for its first seconds: without a warm-up a sweep's first step
# fails on a p99 of hundreds of ms and the sweep goes down from there. So before each measured run the broker gets
# --broker-warmup seconds of the same load at the sweep's first rate (results discarded); not for idle, which
# measures a fresh broker's memory (issue 11: "RSS growth for the first 5,000 connections, fresh broker").
warmup_args() {
  case "$1" in
    idle) ;;
    storm) echo "--scenario storm --connections 3000 --concurrency 1 --source-addresses 4" ;; # the connect path's own code
    storm-tls) echo "--scenario storm --connections 1500 --concurrency 1 --source-addresses 4 --tls --ca-file $work/tls/ca.crt" ;;
    *) scenario_args "$1" | sed 's/ --sweep-[a-z]* [0-9.]*//g; s/ --sweep//' ;;
  esac
}
# Worst-case seconds of one generator run: a sweep takes at most log2(max/start) + 1 steps up and 4 bisections
# (precision 0.1), each warm-up + duration + drain + ~3 s of connecting. A run past it is killed (timeout) and its
# figure is missing from the table, so the whole script is bounded.
step_seconds=$((warmup + duration + drain + 3))
run_limit() {
  case "$1" in
    pairs-qos0-16b|pairs-qos0-1kb|fanout-qos0|pairs-qos1) echo $(( (7 + 1 + 4) * step_seconds )) ;;
    latency|cpu-1to1|cpu-fanout|cpu-qos1|overload) echo "$step_seconds" ;;
    idle) echo $((duration + 60)) ;;
    storm|storm-tls) echo 120 ;;
  esac
}

# --- what each broker needs, checked before anything runs
available=()
skip() { echo "SKIPPED $1: $2" >&2; skipped+=("$1: $2"); }
skipped=()
needs_build() {
  local jar
  for jar in magpie-server/target/magpie.jar magpie-bench/target/benchmarks.jar; do
    [[ -f "$jar" ]] || return 0
    [[ -z "$(find magpie-broker/src/main magpie-server/src/main magpie-bench/src/main pom.xml ./*/pom.xml \
              -newer "$jar" -type f -print -quit)" ]] || return 0
  done
  return 1
}
if needs_build; then
  echo "building magpie-server and magpie-bench ..."
  mvn -q -B -o -Dstyle.color=never -pl magpie-server,magpie-bench -am package -DskipTests
fi
# A Java peer's own class path, resolved from its version in magpie-bench/pom.xml alone (not with Magpie's
# dependencies, whose netty-bom would put it on Netty 4.2).
peer_classpath() {  # name groupId artifactId version
  local dir="$work/$1"
  mkdir -p "$dir"
  if [[ ! -s "$dir/classpath.txt" || ! -f "$dir/pom.xml" ]] || ! grep -q "<version>$4</version>" "$dir/pom.xml"; then
    cat > "$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>dev.magpie.peers</groupId><artifactId>$1-classpath</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies><dependency><groupId>$2</groupId><artifactId>$3</artifactId><version>$4</version></dependency></dependencies>
</project>
EOF
    rm -f "$dir/classpath.txt"
    (cd "$dir" && { mvn -q -B -o -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=classpath.txt \
                     || mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=classpath.txt; }) \
      > "$dir/resolve.log" 2>&1 || return 1
  fi
  [[ -s "$dir/classpath.txt" ]]
}
for b in "${brokers[@]}"; do
  case "$b" in
    magpie) available+=(magpie) ;;
    mosquitto)
      if command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]]; then available+=(mosquitto)
      else skip mosquitto "not installed; install Debian's package: apt-get install -y mosquitto"; fi ;;
    hivemq)
      if peer_classpath hivemq com.hivemq hivemq-community-edition-embedded "$hivemq_version"; then available+=(hivemq)
      else skip hivemq "com.hivemq:hivemq-community-edition-embedded:$hivemq_version could not be resolved (see $work/hivemq/resolve.log)"; fi ;;
    moquette)
      if peer_classpath moquette io.moquette moquette-broker "$moquette_version"; then available+=(moquette)
      else skip moquette "io.moquette:moquette-broker:$moquette_version could not be resolved (see $work/moquette/resolve.log)"; fi ;;
    aedes)
      if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        skip aedes "node and npm are needed: apt-get install -y nodejs npm"
      elif [[ -d magpie-bench/peers/aedes/node_modules/aedes ]] \
           || (cd magpie-bench/peers/aedes && npm ci --no-audit --no-fund > "$logs/aedes-npm-ci.log" 2>&1); then
        available+=(aedes)
      else skip aedes "npm ci in magpie-bench/peers/aedes failed (see $logs/aedes-npm-ci.log)"; fi ;;
  esac
done
[[ ${#available[@]} -gt 0 ]] || { echo "run-peers.sh: no broker can run" >&2; exit 1; }

bound=0
for s in "${scenarios[@]}"; do bound=$((bound + $(run_limit "$s") + 15 + broker_warmup + 5)); done
bound=$((bound * rounds * ${#available[@]}))
echo "run-peers.sh: brokers ${available[*]}; scenarios ${scenarios[*]}; $rounds round(s), ${duration}s per run;" \
     "at most $((bound / 60)) min $((bound % 60)) s (each generator run is cut off at its bound); load: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- starting and stopping the brokers, on CPU 0
broker_command() {  # the command line that starts broker $1 on $port (also written into the docs)
  case "$1" in
    magpie) echo "MAGPIE_JAVA_OPTS=\"$PEER_JAVA_OPTS_SHOWN\" taskset -c 0 bin/magpie serve --config $work/magpie.yaml --data-dir $work/magpie-data --port $port" ;;
    mosquitto) echo "taskset -c 0 mosquitto -c $work/mosquitto.conf" ;;
    hivemq) echo "taskset -c 0 java $PEER_NETTY_OPTS $PEER_JAVA_OPTS_SHOWN -cp magpie-bench/target/classes:\$(cat $work/hivemq/classpath.txt) dev.magpie.bench.peers.HiveMqPeer $port $work/hivemq/work" ;;
    moquette) echo "(cd $work/moquette && taskset -c 0 java $PEER_NETTY_OPTS $PEER_JAVA_OPTS_SHOWN -cp $repo/magpie-bench/target/classes:\$(cat classpath.txt) dev.magpie.bench.peers.MoquettePeer $port)" ;;
    aedes) echo "taskset -c 0 node magpie-bench/peers/aedes/server.mjs $port" ;;
  esac
}
PEER_JAVA_OPTS="${PEER_JAVA_OPTS:-}"
# bin/magpie serve turns off Netty's sampling leak detector (a stack trace per 128 buffers); the other Netty brokers get the same
PEER_NETTY_OPTS="-Dio.netty.leakDetection.level=disabled"
PEER_JAVA_OPTS_SHOWN="$PEER_JAVA_OPTS"
cat > "$work/magpie.yaml" <<EOF
# run-peers.sh: the settings every peer gets: one anonymous listener on 127.0.0.1, no users, nothing persisted.
# TCP_NODELAY is always on in Magpie. Everything else is Magpie's default.
listeners:
  - name: tcp
    bind: 127.0.0.1
    allow_anonymous: true
security:
  users: none
persistence:
  enabled: false
EOF
# storm-tls: the same broker behind a TLS listener, with a CA and server certificate made by Magpie's own tool
# (bin/magpie certs, no openssl); HiveMQ CE, Moquette and aedes get no TLS setup here, so they sit that scenario out
if [[ " ${scenarios[*]} " == *" storm-tls "* && ! -f "$work/tls/server.key" ]]; then
  rm -rf "$work/tls"
  bin/magpie certs ca --out "$work/tls" > /dev/null
  bin/magpie certs server --out "$work/tls" --ip 127.0.0.1 --dns localhost > /dev/null
fi
cat > "$work/magpie-tls.yaml" <<EOF
# run-peers.sh, storm-tls: as magpie.yaml, the listener speaking TLS
listeners:
  - name: tls
    type: tls
    bind: 127.0.0.1
    port: $port
    allow_anonymous: true
    tls:
      cert_file: $work/tls/server.crt
      key_file: $work/tls/server.key
security:
  users: none
persistence:
  enabled: false
EOF
cat > "$work/mosquitto-tls.conf" <<EOF
# run-peers.sh, storm-tls: as mosquitto.conf, the listener speaking TLS
listener $port 127.0.0.1
# started as root, mosquitto would drop to its own user, which cannot read the key the script made (owner-only)
user root
certfile $work/tls/server.crt
keyfile $work/tls/server.key
allow_anonymous true
persistence false
set_tcp_nodelay true
connection_messages false
log_dest stdout
log_type error
log_type warning
EOF
cat > "$work/mosquitto.conf" <<EOF
# run-peers.sh: anonymous, nothing persisted, TCP_NODELAY; everything else mosquitto's default.
listener $port 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
# no line per connection (the others log none either): a storm would otherwise measure the log
connection_messages false
log_dest stdout
log_type error
log_type warning
EOF
listening() { [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]; }
broker_pid=""
start_broker() {  # broker log [scenario]
  if listening; then echo "run-peers.sh: port $port is taken by another process; use --port" >&2; exit 1; fi
  local suffix="" port_option=(--port "$port")
  if [[ "${3:-}" == storm-tls ]]; then
    case "$1" in
      magpie|mosquitto) suffix="-tls"; port_option=() ;; # --port names the first tcp listener; the file has the port
      *) echo "  $1: no TLS setup in this script, storm-tls not run" >&2; return 1 ;;
    esac
  fi
  # shellcheck disable=SC2086  # PEER_JAVA_OPTS holds several options
  case "$1" in
    magpie) rm -rf "$work/magpie-data"
            MAGPIE_JAVA_OPTS="$PEER_JAVA_OPTS" taskset -c 0 bin/magpie serve --config "$work/magpie$suffix.yaml" \
              --data-dir "$work/magpie-data" ${port_option[@]+"${port_option[@]}"} > "$2" 2>&1 & ;;
    mosquitto) taskset -c 0 "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$work/mosquitto$suffix.conf" > "$2" 2>&1 & ;;
    hivemq) rm -rf "$work/hivemq/work"
            taskset -c 0 java $PEER_NETTY_OPTS $PEER_JAVA_OPTS -cp "magpie-bench/target/classes:$(cat "$work/hivemq/classpath.txt")" \
              dev.magpie.bench.peers.HiveMqPeer "$port" "$work/hivemq/work" > "$2" 2>&1 & ;;
    moquette) (cd "$work/moquette" && exec taskset -c 0 java $PEER_NETTY_OPTS $PEER_JAVA_OPTS \
                 -cp "$repo/magpie-bench/target/classes:$(cat classpath.txt)" dev.magpie.bench.peers.MoquettePeer "$port") > "$2" 2>&1 & ;;
    aedes) taskset -c 0 node magpie-bench/peers/aedes/server.mjs "$port" > "$2" 2>&1 & ;;
  esac
  broker_pid=$!
  local waited=0
  until listening; do
    if ! kill -0 "$broker_pid" 2>/dev/null; then echo "  $1 exited before listening (see $2)" >&2; broker_pid=""; return 1; fi
    if ((waited >= 600)); then echo "  $1 not listening after 60 s (see $2)" >&2; stop_broker; return 1; fi
    sleep 0.1; waited=$((waited + 1))
  done
}
stop_broker() {
  [[ -n "$broker_pid" ]] || return 0
  kill -TERM "$broker_pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$broker_pid" 2>/dev/null && ((waited < 100)); do sleep 0.1; waited=$((waited + 1)); done
  kill -KILL "$broker_pid" 2>/dev/null || true
  wait "$broker_pid" 2>/dev/null || true
  broker_pid=""
  waited=0
  while listening && ((waited < 100)); do sleep 0.1; waited=$((waited + 1)); done
}
trap 'stop_broker' EXIT
trap 'exit 130' INT TERM

generator_command() {  # scenario broker -> the generator's command line (PID filled in when run)
  echo "MAGPIE_JAVA_OPTS=\"${GEN_JAVA_OPTS:-}\" taskset -c 1 bin/magpie bench --port $port $(scenario_args "$1") ${common[*]} --label $2"
}

# --- the runs
n=${#available[@]}
for ((round = 1; round <= rounds; round++)); do
  for ((si = 0; si < ${#scenarios[@]}; si++)); do
    scenario="${scenarios[$si]}"
    mkdir -p "$results/$scenario"
    shift_by=$(( (round - 1 + si) % n ))   # rotate the order: each broker takes each place in turn
    for ((k = 0; k < n; k++)); do
      broker="${available[$(( (k + shift_by) % n ))]}"
      log="$logs/$scenario.$broker.r$round"
      echo "round $round/$rounds, $scenario, $broker ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
      if ! start_broker "$broker" "$log.broker.log" "$scenario"; then continue; fi
      if [[ $broker_warmup -gt 0 && -n "$(warmup_args "$scenario")" ]]; then
        # shellcheck disable=SC2046  # warmup_args is a list of options
        MAGPIE_JAVA_OPTS="${GEN_JAVA_OPTS:-}" timeout $((broker_warmup + 30)) taskset -c 1 bin/magpie bench --port "$port" \
          $(warmup_args "$scenario") --warmup 0 --duration "$broker_warmup" --drain 2 --quiet --label warmup \
          > "$log.warmup.out" 2>&1 || echo "  (broker warm-up run failed: $log.warmup.out)" >&2
      fi
      # shellcheck disable=SC2046  # scenario_args is a list of options
      if MAGPIE_JAVA_OPTS="${GEN_JAVA_OPTS:-}" timeout "$(run_limit "$scenario")" taskset -c 1 bin/magpie bench \
           --port "$port" $(scenario_args "$scenario") "${common[@]}" --label "$broker" --broker-pid "$broker_pid" \
           --json "$results/$scenario/$broker-r$round.json" > "$log.out" 2> "$log.err"; then
        # the first occurrence of each key is the top-level one (a sweep's steps come last)
        grep -o -E '"(sweep_max_held_rate|delivery_rate|latency_p99_us|broker_cpu_cores|broker_rss_per_connection_bytes|connects_per_second)":[-0-9.eE]+' \
          "$results/$scenario/$broker-r$round.json" | awk -F: '!seen[$1]++' | tr '\n' ' ' | sed 's/^/  /'; echo
      else
        echo "  generator failed or timed out (exit $?; see $log.err)" >&2
        rm -f "$results/$scenario/$broker-r$round.json"
      fi
      stop_broker
    done
  done
done

# --- the table, with what it was measured on
info="$work/info.md"
{
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`$invocation\` (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))."
  echo "Cells: median over the rounds ([n] = rounds it is the median of, when more than one), (x) = ratio to mosquitto."
  echo
  echo "- Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, kernel $(uname -r)"
  echo "- Java: $(java -version 2>&1 | head -1); mosquitto: $( (mosquitto -h 2>/dev/null || /usr/sbin/mosquitto -h 2>/dev/null || true) | head -1)"
  echo "- aedes $( (cd magpie-bench/peers/aedes && node -p 'JSON.parse(require("fs").readFileSync("node_modules/aedes/package.json")).version' 2>/dev/null) || echo '?') on node $(node --version 2>/dev/null || echo '?');" \
       "com.hivemq:hivemq-community-edition-embedded:$hivemq_version; io.moquette:moquette-broker:$moquette_version"
  echo "- Magpie: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' plus uncommitted changes')"
  for s in "${skipped[@]+"${skipped[@]}"}"; do echo "- Not run: $s"; done
  echo
  echo "Brokers (CPU 0; each started fresh for every run, port $port):"
  echo '```'
  for b in "${available[@]}"; do broker_command "$b"; done
  echo '```'
  if [[ " ${scenarios[*]} " == *" storm-tls "* ]]; then
    echo "storm-tls: Magpie with \`--config $work/magpie-tls.yaml\` (a tls listener on port $port, no --port), mosquitto with" \
         "\`-c $work/mosquitto-tls.conf\`; the CA and server certificate (EC P-256) made by \`bin/magpie certs ca\` and \`certs server\`."
  fi
  echo "Each broker (except for idle) first got ${broker_warmup} s of the same load, discarded:" \
       "\`bin/magpie bench ... --warmup 0 --duration ${broker_warmup}\` (the sweep's first rate; storm: 3,000 sequential connections)."
  echo "Generator (CPU 1; \`--broker-pid\` of the broker, \`--json\` per run):"
  echo '```'
  for s in "${scenarios[@]}"; do generator_command "$s" BROKER; done
  echo '```'
} | sed "s#$repo/##g; s#MAGPIE_JAVA_OPTS=\"\" ##g; s#java  -cp#java -cp#g" > "$info"
doc_args=()
[[ $write_doc -eq 1 ]] && doc_args=(--doc docs/benchmarks.md)
java -cp magpie-bench/target/benchmarks.jar dev.magpie.bench.peers.PeerTable --results "$results" \
  --brokers "$(IFS=,; echo "${available[*]}")" --scenarios "$(IFS=,; echo "${scenarios[*]}")" --info "$info" \
  ${doc_args[@]+"${doc_args[@]}"}
