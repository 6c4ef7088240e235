#!/usr/bin/env bash
# Starts a scratch node, runs RoomBench against it, stops the node (SIGTERM).
#
#   bench/run-room.sh [RoomBench options...]
#   bench/run-room.sh --rooms 2000 --rate 1000 --duration 60s --out /tmp/room-2000.md
#   bench/run-room.sh --rooms 100 --rate 100 --duration 20s --board-ops 10000 --resume-runs 5
#
# Run from the project root after `mvn -B -q -DskipTests package`. Environment (defaults):
#   TM_ROOM_DATA=/tmp/tm-room-data     node data folder (wiped first unless TM_BENCH_KEEP_DATA=1)
#   TM_ROOM_HTTP=19080 TM_ROOM_WS=19081 TM_ROOM_CLUSTER=26599   node ports (run-matching.sh uses
#                                      18080/18081/25599, so both can run on one machine)
#   TM_BENCH_NODE_HEAP=2g              node -Xmx
#   TM_ROOM_RATE_LIMIT=100000          the node's inbound frames per second and burst per socket
#                                      (tutormesh.ws.rate.*, default 20/40): the board part writes
#                                      100,000 ops over one socket as fast as they are acknowledged
#   TM_BENCH_NODE_OPTS=                extra node JVM options (system properties override the
#                                      node's HOCON: ConfigFactory.load)
#   TM_BENCH_HEAP=1g                   bench -Xmx
set -euo pipefail

DATA=${TM_ROOM_DATA:-/tmp/tm-room-data}
HTTP=${TM_ROOM_HTTP:-19080}
WS=${TM_ROOM_WS:-19081}
CLUSTER=${TM_ROOM_CLUSTER:-26599}
NODE_HEAP=${TM_BENCH_NODE_HEAP:-2g}
RATE_LIMIT=${TM_ROOM_RATE_LIMIT:-100000}
NODE_OPTS="-Dtutormesh.ws.rate.frames-per-second=$RATE_LIMIT -Dtutormesh.ws.rate.burst=$RATE_LIMIT ${TM_BENCH_NODE_OPTS:-}"
BENCH_HEAP=${TM_BENCH_HEAP:-1g}

[ -f gateway/target/tutormesh.jar ] && [ -f bench/target/tutormesh-bench.jar ] || {
  echo "build first: mvn -B -q -DskipTests package (from the project root)" >&2; exit 2; }

for port in "$HTTP" "$WS" "$CLUSTER"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use (another node?): pick others with TM_ROOM_HTTP/TM_ROOM_WS/TM_ROOM_CLUSTER" >&2; exit 2
  fi
done

# 2,000 rooms are 4,000 room sockets in the node, and 8,000 in the bench with the floor's.
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

NODE_CMD="TUTORMESH_JWT_SECRET=<secret> TUTORMESH_DATA_DIR=$DATA TUTORMESH_HTTP_PORT=$HTTP TUTORMESH_WS_PORT=$WS TUTORMESH_CLUSTER_PORT=$CLUSTER java -Xmx$NODE_HEAP $NODE_OPTS -jar gateway/target/tutormesh.jar (ulimit -n $(ulimit -n))"
echo "node: $NODE_CMD"
# shellcheck disable=SC2086 # NODE_OPTS is a list of options
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

java "-Xmx$BENCH_HEAP" -cp bench/target/tutormesh-bench.jar io.tutormesh.bench.RoomBench \
  --http "$HTTP" --ws "$WS" --jwt-secret "$(cat "$SECRET_FILE")" --node-pid "$NODE_PID" --node-cmd "$NODE_CMD" "$@"
