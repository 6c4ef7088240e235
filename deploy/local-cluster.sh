#!/usr/bin/env bash
# A local Tutormesh cluster: one stand-alone embedded Cassandra and three nodes that share it.
#
#   deploy/local-cluster.sh start    build the jar if missing, start Cassandra, then the nodes;
#                                    returns when every node logged "tutormesh ready"
#   deploy/local-cluster.sh status   each process, and each node's /ready
#   deploy/local-cluster.sh stop     SIGTERM to the nodes, then to Cassandra; waits for them
#
# Everything lives in ./data/cluster (git-ignored): Cassandra's data and logs in cassandra/,
# its console in cassandra.out, node-N.log, *.pid, the base ports of the last start (ports), and
# jwt-secret (made once, shared by the nodes, so a token from any node works on every node).
# Node N (1..3) listens on
#   REST  LOCAL_CLUSTER_HTTP_BASE + 100*(N-1)      8080, 8180, 8280
#   WS    that + 1                                 8081, 8181, 8281
#   Pekko LOCAL_CLUSTER_REMOTING_BASE + (N-1)       25520, 25521, 25522 (seeds: nodes 1 and 2)
#
# Environment (all optional):
#   LOCAL_CLUSTER_HTTP_BASE (8080), LOCAL_CLUSTER_REMOTING_BASE (25520)
#   LOCAL_CLUSTER_INTERFACE (127.0.0.1)  address the REST and WS servers bind to
#   TUTORMESH_CASSANDRA_PORT             fixed CQL port (default: remembered in the data, else free)
#   TUTORMESH_DEV_MODE (true)            dev mode serves POST /v1/dev/tokens, to try the cluster
#                                        locally; deploy/production.conf turns it off for good
#   LOCAL_CLUSTER_JAVA_OPTS (-Xmx512m)   JVM options of each node
#   LOCAL_CLUSTER_TIMEOUT (180)          seconds that start waits for Cassandra, then for the nodes
#   JAVA (java)                          the java to run (17+; Cassandra itself needs a Java 17)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

JAR=gateway/target/tutormesh.jar
DIR=./data/cluster
NODES=3
JAVA=${JAVA:-java}
HTTP_BASE=${LOCAL_CLUSTER_HTTP_BASE:-8080}
REMOTING_BASE=${LOCAL_CLUSTER_REMOTING_BASE:-25520}
INTERFACE=${LOCAL_CLUSTER_INTERFACE:-127.0.0.1}
NODE_JAVA_OPTS=${LOCAL_CLUSTER_JAVA_OPTS:--Xmx512m}
TIMEOUT=${LOCAL_CLUSTER_TIMEOUT:-180}
STOP_TIMEOUT=60

http_port() { echo $((HTTP_BASE + 100 * ($1 - 1))); }
ws_port() { echo $((HTTP_BASE + 100 * ($1 - 1) + 1)); }
remoting_port() { echo $((REMOTING_BASE + $1 - 1)); }

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'local-cluster: %s\n' "$*" >&2; exit 1; }

# The pid in $DIR/<name>.pid if that process is alive, else nothing.
live_pid() {
  local file="$DIR/$1.pid" pid
  [[ -f $file ]] || return 0
  pid=$(<"$file")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    echo "$pid"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits until $2 (a file) has a line matching $3 while process $1 lives; deadline $4 (epoch s).
await_line() {
  local pid=$1 file=$2 pattern=$3 deadline=$4
  until grep -q -- "$pattern" "$file" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "--- end of $file:" >&2
      tail -n 30 "$file" >&2 || true
      return 1
    fi
    if (($(date +%s) >= deadline)); then
      echo "--- timed out; end of $file:" >&2
      tail -n 30 "$file" >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

# SIGTERM to the named processes, then waits for all of them (SIGKILL after STOP_TIMEOUT).
terminate() {
  local name pid deadline
  local -a names=() pids=()
  for name in "$@"; do
    pid=$(live_pid "$name")
    if [[ -n $pid ]]; then
      log "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      names+=("$name")
      pids+=("$pid")
    else
      rm -f "$DIR/$name.pid" # a process that is gone already
    fi
  done
  deadline=$(($(date +%s) + STOP_TIMEOUT))
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null; do
      if (($(date +%s) >= deadline)); then
        log "${names[$i]} (pid ${pids[$i]}) did not stop within ${STOP_TIMEOUT}s: killing it"
        kill -KILL "${pids[$i]}" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
    rm -f "$DIR/${names[$i]}.pid"
  done
}

node_names() {
  local n
  for ((n = NODES; n >= 1; n--)); do echo "node-$n"; done
}

cmd_stop() {
  local started=$SECONDS name
  # One node at a time, so that each leaves the cluster gracefully while the others still run
  # (all at once, the last ones wait out Pekko's 10 s cluster-exiting timeout); Cassandra last.
  for name in $(node_names) cassandra; do
    terminate "$name"
  done
  log "stopped in $((SECONDS - started))s"
}

# A start that failed takes down what it started (the logs stay) and exits non-zero.
abort_start() {
  echo "local-cluster: $1 did not get ready (see above); stopping what was started" >&2
  cmd_stop >&2
  exit 1
}

cmd_start() {
  local started=$SECONDS name n port deadline contact seeds secret nodes_started
  for name in cassandra $(node_names); do
    if [[ -n $(live_pid "$name") ]]; then
      die "$name is running already (pid $(live_pid "$name")): use status, or stop first"
    fi
  done
  for ((n = 1; n <= NODES; n++)); do
    for port in "$(http_port "$n")" "$(ws_port "$n")" "$(remoting_port "$n")"; do
      if port_in_use "$port"; then
        die "port $port is in use (node-$n); set LOCAL_CLUSTER_HTTP_BASE / LOCAL_CLUSTER_REMOTING_BASE"
      fi
    done
  done
  command -v "$JAVA" >/dev/null || die "no '$JAVA' on PATH (Java 17 needed)"

  if [[ ! -f $JAR ]]; then
    log "building $JAR (mvn -B -q -DskipTests package)"
    mvn -B -q -DskipTests package
  fi

  mkdir -p "$DIR"
  if [[ ! -s $DIR/jwt-secret ]]; then
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_' >"$DIR/jwt-secret")
    log "made a JWT secret shared by the nodes: $DIR/jwt-secret"
  fi
  secret=$(<"$DIR/jwt-secret")
  echo "$HTTP_BASE $REMOTING_BASE" >"$DIR/ports" # for status, whatever its environment

  local cassandra_started=$SECONDS
  log "starting Cassandra (data in $DIR/cassandra, console in $DIR/cassandra.out)"
  : >"$DIR/cassandra.out"
  # A small heap for this JVM: it only watches the Cassandra JVM it starts (-Xmx512m, see README).
  TUTORMESH_DATA_DIR=$DIR nohup "$JAVA" -Xmx128m -cp "$JAR" \
    io.tutormesh.persistence.CassandraServerMain >>"$DIR/cassandra.out" 2>&1 </dev/null &
  echo $! >"$DIR/cassandra.pid"
  deadline=$(($(date +%s) + TIMEOUT))
  await_line "$!" "$DIR/cassandra.out" '^cassandra ready ' "$deadline" || abort_start cassandra
  contact=$(grep -m1 '^cassandra ready ' "$DIR/cassandra.out" | cut -d' ' -f3)
  log "Cassandra ready on $contact after $((SECONDS - cassandra_started))s"

  nodes_started=$SECONDS
  seeds="127.0.0.1:$(remoting_port 1),127.0.0.1:$(remoting_port 2)"
  for ((n = 1; n <= NODES; n++)); do
    : >"$DIR/node-$n.log"
    # shellcheck disable=SC2086 # NODE_JAVA_OPTS is a list of options
    CASSANDRA_CONTACT_POINTS=$contact \
      TUTORMESH_APPLY_SCHEMA=false \
      TUTORMESH_HTTP_PORT=$(http_port "$n") \
      TUTORMESH_WS_PORT=$(ws_port "$n") \
      TUTORMESH_HTTP_INTERFACE=$INTERFACE \
      TUTORMESH_WS_INTERFACE=$INTERFACE \
      TUTORMESH_CLUSTER_HOST=127.0.0.1 \
      TUTORMESH_CLUSTER_PORT=$(remoting_port "$n") \
      TUTORMESH_SEED_NODES=$seeds \
      TUTORMESH_JWT_SECRET=$secret \
      TUTORMESH_DEV_MODE=${TUTORMESH_DEV_MODE:-true} \
      nohup "$JAVA" $NODE_JAVA_OPTS -jar "$JAR" >>"$DIR/node-$n.log" 2>&1 </dev/null &
    echo $! >"$DIR/node-$n.pid"
    log "starting node-$n (pid $!): http=$(http_port "$n") ws=$(ws_port "$n") cluster=$(remoting_port "$n")"
  done
  deadline=$(($(date +%s) + TIMEOUT))
  for ((n = 1; n <= NODES; n++)); do
    await_line "$(<"$DIR/node-$n.pid")" "$DIR/node-$n.log" 'tutormesh ready' "$deadline" ||
      abort_start "node-$n"
    log "node-$n ready after $((SECONDS - nodes_started))s"
  done
  log "cluster of $NODES nodes ready in $((SECONDS - started))s; REST on" \
    "$(for ((n = 1; n <= NODES; n++)); do printf '%s ' "$(http_port "$n")"; done)"
}

cmd_status() {
  local pid n code all_ok=0 contact="" server=""
  if [[ -f $DIR/ports ]]; then
    read -r HTTP_BASE REMOTING_BASE <"$DIR/ports" # the ports of the last start
  fi
  pid=$(live_pid cassandra)
  if [[ -n $pid ]]; then
    contact=$(grep -m1 '^cassandra ready ' "$DIR/cassandra.out" 2>/dev/null | cut -d' ' -f3 || true)
    server=$(sed -n 's/.*Cassandra (pid \([0-9]*\)) starting.*/\1/p' "$DIR/cassandra.out" | tail -n 1)
    printf '%-10s pid %-8s running  cql=%s (server pid %s)\n' cassandra "$pid" \
      "${contact:-starting}" "${server:-?}"
  else
    printf '%-10s %-12s stopped\n' cassandra ""
    all_ok=3
  fi
  for ((n = 1; n <= NODES; n++)); do
    pid=$(live_pid "node-$n")
    if [[ -z $pid ]]; then
      printf '%-10s %-12s stopped\n' "node-$n" ""
      all_ok=3
      continue
    fi
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$(http_port "$n")/ready" || true)
    printf '%-10s pid %-8s running  http=%s ws=%s cluster=%s  /ready %s\n' "node-$n" "$pid" \
      "$(http_port "$n")" "$(ws_port "$n")" "$(remoting_port "$n")" "${code:-000}"
    [[ $code == 200 ]] || all_ok=3
  done
  return "$all_ok"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
