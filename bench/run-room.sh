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
#   TM_BENCH_NODE_HEAP=2g              node -Xms and -Xmx (fixed)
#   TM_ROOM_RATE_LIMIT=100000          the node's inbound frames per second and burst per socket
#                                      (tutormesh.ws.rate.*, default 20/40): the board part writes
#                                      100,000 ops over one socket as fast as they are acknowledged
#   TM_BENCH_NODE_OPTS=                extra node JVM options (system properties override the
#                                      node's HOCON: ConfigFactory.load)
#   TM_BENCH_NODE_GC=-XX:MaxTenuringThreshold=1   the node's collector options (empty: G1's own)
#   TUTORMESH_CASSANDRA_JVM_OPTIONS=-XX:+UseZGC TUTORMESH_CASSANDRA_HEAP=1g   the embedded
#                                      Cassandra's (empty options: G1, as the node's default)
#   TM_BENCH_HEAP=1g                   bench -Xmx
#   TM_BENCH_OPTS=                     extra bench JVM options (e.g. a JFR recording)
set -euo pipefail

DATA=${TM_ROOM_DATA:-/tmp/tm-room-data}
HTTP=${TM_ROOM_HTTP:-19080}
WS=${TM_ROOM_WS:-19081}
CLUSTER=${TM_ROOM_CLUSTER:-26599}
NODE_HEAP=${TM_BENCH_NODE_HEAP:-2g}
RATE_LIMIT=${TM_ROOM_RATE_LIMIT:-100000}
NODE_OPTS="-Dtutormesh.ws.rate.frames-per-second=$RATE_LIMIT -Dtutormesh.ws.rate.burst=$RATE_LIMIT ${TM_BENCH_NODE_OPTS:-}"
BENCH_HEAP=${TM_BENCH_HEAP:-1g}

PORT_VARS=TM_ROOM_HTTP/TM_ROOM_WS/TM_ROOM_CLUSTER
# shellcheck source=bench/scratch-node.sh
. "$(dirname "$0")/scratch-node.sh"
run_bench io.tutormesh.bench.RoomBench "$@"
