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
#   TM_BENCH_NODE_HEAP=2g              node -Xms and -Xmx (fixed)
#   TM_BENCH_NODE_OPTS=                extra node JVM options (e.g. -Djava.util.concurrent.ForkJoinPool.common.parallelism=2)
#   TM_BENCH_NODE_GC=-XX:MaxTenuringThreshold=1   the node's collector options (empty: G1's own)
#   TUTORMESH_CASSANDRA_JVM_OPTIONS=-XX:+UseZGC TUTORMESH_CASSANDRA_HEAP=1g   the embedded
#                                      Cassandra's (empty options: G1, as the node's default)
#   TM_BENCH_HEAP=1g                   bench -Xmx
#   TM_BENCH_OPTS=                     extra bench JVM options (e.g. a JFR recording)
set -euo pipefail

DATA=${TM_BENCH_DATA:-/tmp/tm-bench-data}
HTTP=${TM_BENCH_HTTP:-18080}
WS=${TM_BENCH_WS:-18081}
CLUSTER=${TM_BENCH_CLUSTER:-25599}
NODE_HEAP=${TM_BENCH_NODE_HEAP:-2g}
NODE_OPTS=${TM_BENCH_NODE_OPTS:-}
BENCH_HEAP=${TM_BENCH_HEAP:-1g}

PORT_VARS=TM_BENCH_HTTP/TM_BENCH_WS/TM_BENCH_CLUSTER
# shellcheck source=bench/scratch-node.sh
. "$(dirname "$0")/scratch-node.sh"
run_bench io.tutormesh.bench.MatchingBench "$@"
