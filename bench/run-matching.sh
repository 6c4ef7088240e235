#!/usr/bin/env bash
# Starts a scratch node, runs MatchingBench against it, stops the node (SIGTERM).
#
#   bench/run-matching.sh [MatchingBench options...]
#   bench/run-matching.sh --tutors 10000 --rate 200 --duration 60s --out /tmp/matching-200.md
#   bench/run-matching.sh --tutors 10000 --find-max --start-rate 50 --rate-step 50 --max-rate 600
#
# Run from the project root after `mvn -B -q -DskipTests package`. Environment (defaults):
#   TM_BENCH_DATA=/tmp/tm-bench-data   node data folder (wiped first unless TM_BENCH_KEEP_DATA=1)
#   TM_BENCH_HTTP=18080 TM_BENCH_WS=18081 TM_BENCH_CLUSTER=25599   node ports
#   TM_BENCH_NODE_HEAP=2g              node -Xmx
#   TM_BENCH_NODE_OPTS=                extra node JVM options (e.g. -Djava.util.concurrent.ForkJoinPool.common.parallelism=2)
#   TM_BENCH_HEAP=1g                   bench -Xmx
set -euo pipefail

DATA=${TM_BENCH_DATA:-/tmp/tm-bench-data}
HTTP=${TM_BENCH_HTTP:-18080}
WS=${TM_BENCH_WS:-18081}
CLUSTER=${TM_BENCH_CLUSTER:-25599}
NODE_HEAP=${TM_BENCH_NODE_HEAP:-2g}
NODE_OPTS=${TM_BENCH_NODE_OPTS:-}
BENCH_HEAP=${TM_BENCH_HEAP:-1g}

[ -f gateway/target/tutormesh.jar ] && [ -f bench/target/tutormesh-bench.jar ] || {
  echo "build first: mvn -B -q -DskipTests package (from the project root)" >&2; exit 2; }

# 10k sockets need 10k+ descriptors in the node and in the bench; the hard limit caps it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open files limit: $(ulimit -n)"

if [ "${TM_BENCH_KEEP_DATA:-0}" != 1 ]; then rm -rf "$DATA"; fi
mkdir -p "$DATA"
SECRET_FILE="$DATA/jwt-secret"
[ -s "$SECRET_FILE" ] || head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 48 > "$SECRET_FILE"

NODE_CMD="TUTORMESH_JWT_SECRET=<secret> TUTORMESH_DATA_DIR=$DATA TUTORMESH_HTTP_PORT=$HTTP TUTORMESH_WS_PORT=$WS TUTORMESH_CLUSTER_PORT=$CLUSTER java -Xmx$NODE_HEAP $NODE_OPTS -jar gateway/target/tutormesh.jar (ulimit -n $(ulimit -n))"
echo "node: $NODE_CMD"
TUTORMESH_JWT_SECRET="$(cat "$SECRET_FILE")" TUTORMESH_DATA_DIR="$DATA" TUTORMESH_HTTP_PORT="$HTTP" \
  TUTORMESH_WS_PORT="$WS" TUTORMESH_CLUSTER_PORT="$CLUSTER" \
  java "-Xmx$NODE_HEAP" $NODE_OPTS -jar gateway/target/tutormesh.jar > "$DATA/node.log" 2>&1 &
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

java "-Xmx$BENCH_HEAP" -cp bench/target/tutormesh-bench.jar io.tutormesh.bench.MatchingBench \
  --http "$HTTP" --ws "$WS" --jwt-secret "$(cat "$SECRET_FILE")" --node-pid "$NODE_PID" --node-cmd "$NODE_CMD" "$@"
