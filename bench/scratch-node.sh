# Sourced by run-matching.sh and run-room.sh: starts a scratch node for a benchmark, waits until it
# is ready, stops it (SIGTERM, then SIGKILL after 90 s) when the calling script exits, and runs a
# bench main class against it. Set before sourcing: DATA, HTTP, WS, CLUSTER, NODE_HEAP, NODE_OPTS,
# BENCH_HEAP, and PORT_VARS (the names of the variables that pick the ports, for the error). The
# bench JVM also takes TM_BENCH_OPTS from the environment.

[ -f gateway/target/tutormesh.jar ] && [ -f bench/target/tutormesh-bench.jar ] || {
  echo "build first: mvn -B -q -DskipTests package (from the project root)" >&2; exit 2; }

for port in "$HTTP" "$WS" "$CLUSTER"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use (another node?): pick others with $PORT_VARS" >&2; exit 2
  fi
done

# Thousands of sockets need as many descriptors in the node and in the bench; the hard limit caps it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open files limit: $(ulimit -n)"

if [ "${TM_BENCH_KEEP_DATA:-0}" != 1 ]; then rm -rf "$DATA"; fi
mkdir -p "$DATA"
SECRET_FILE="$DATA/jwt-secret"
[ -s "$SECRET_FILE" ] || head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 48 > "$SECRET_FILE"

# Keep an earlier run's log aside: the readiness check below must not find ITS "tutormesh ready"
# before the new node's output has replaced it (TM_BENCH_KEEP_DATA=1).
[ -f "$DATA/node.log" ] && mv "$DATA/node.log" "$DATA/node.log.$(date +%s)"
: > "$DATA/node.log"

# The JVMs as deploy/k8s/README.md recommends them ("The node's JVM", "Cassandra's JVM"):
# - the node's heap fixed (-Xms = -Xmx): grown on demand, it stayed a few hundred MiB, G1 kept the
#   young generation small in it, and a run's measured minute held 4-39 pauses; at its full size
#   from the start, 4-5 (S11);
# - the node's G1 promotes what survives one young collection (TM_BENCH_NODE_GC);
# - the embedded Cassandra, standing in for a cluster of its own while it shares these cores, runs
#   ZGC in 1 GiB (TUTORMESH_CASSANDRA_JVM_OPTIONS, TUTORMESH_CASSANDRA_HEAP).
# Set one of the options empty for the JVM's default.
NODE_GC=${TM_BENCH_NODE_GC--XX:MaxTenuringThreshold=1}
CASSANDRA_OPTS=${TUTORMESH_CASSANDRA_JVM_OPTIONS--XX:+UseZGC}
CASSANDRA_HEAP=${TUTORMESH_CASSANDRA_HEAP:-1g}
# The node's JVM options, once: for the command that runs it and for the one the report shows.
NODE_JVM="-Xms$NODE_HEAP -Xmx$NODE_HEAP $NODE_GC $NODE_OPTS"

NODE_CMD="TUTORMESH_JWT_SECRET=<secret> TUTORMESH_DATA_DIR=$DATA TUTORMESH_HTTP_PORT=$HTTP TUTORMESH_WS_PORT=$WS TUTORMESH_CLUSTER_PORT=$CLUSTER TUTORMESH_CASSANDRA_HEAP=$CASSANDRA_HEAP TUTORMESH_CASSANDRA_JVM_OPTIONS='$CASSANDRA_OPTS' java $NODE_JVM -jar gateway/target/tutormesh.jar (ulimit -n $(ulimit -n))"
echo "node: $NODE_CMD"
# shellcheck disable=SC2086 # NODE_JVM is a list of options
TUTORMESH_JWT_SECRET="$(cat "$SECRET_FILE")" TUTORMESH_DATA_DIR="$DATA" TUTORMESH_HTTP_PORT="$HTTP" \
  TUTORMESH_WS_PORT="$WS" TUTORMESH_CLUSTER_PORT="$CLUSTER" \
  TUTORMESH_CASSANDRA_HEAP="$CASSANDRA_HEAP" TUTORMESH_CASSANDRA_JVM_OPTIONS="$CASSANDRA_OPTS" \
  java $NODE_JVM -jar gateway/target/tutormesh.jar > "$DATA/node.log" 2>&1 &
NODE_PID=$!
echo "$NODE_PID" > "$DATA/node.pid"

stop_node() {
  if kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID"
    for _ in $(seq 1 90); do kill -0 "$NODE_PID" 2>/dev/null || break; sleep 1; done
    kill -0 "$NODE_PID" 2>/dev/null && { echo "node did not stop in 90 s, killing it" >&2; kill -KILL "$NODE_PID"; }
  fi
  echo "node stopped; its log: $DATA/node.log"
}
trap stop_node EXIT

for _ in $(seq 1 180); do
  grep -q "tutormesh ready" "$DATA/node.log" && break
  kill -0 "$NODE_PID" 2>/dev/null || { echo "node exited, see $DATA/node.log" >&2; exit 1; }
  sleep 1
done
grep -q "tutormesh ready" "$DATA/node.log" || { echo "node not ready after 180 s" >&2; exit 1; }
grep "tutormesh ready" "$DATA/node.log"

# run_bench <main class> [options...]: the bench against this node, with its secret and pid.
run_bench() {
  local main=$1
  shift
  # shellcheck disable=SC2086 # TM_BENCH_OPTS is a list of JVM options
  java "-Xmx$BENCH_HEAP" ${TM_BENCH_OPTS:-} -cp bench/target/tutormesh-bench.jar "$main" \
    --http "$HTTP" --ws "$WS" --jwt-secret "$(cat "$SECRET_FILE")" --node-pid "$NODE_PID" --node-cmd "$NODE_CMD" "$@"
}
