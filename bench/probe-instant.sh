#!/usr/bin/env bash
# A client's view of a node under a benchmark: about once a second, one POST /v1/instant-requests
# of a probe student, cancelled at once when it is accepted. Its language (de) is one no bench
# tutor speaks, so the probe's sessions are never offered and never disturb MatchingBench's counts.
# Needs dev mode (tokens from /v1/dev/tokens), as run-matching.sh starts the node. Runs until the
# node process is gone. Output, one line per request: epoch-millis HTTP-status latency-millis
# (status 000: no connection).
#
#   bench/probe-instant.sh [http-port (18080)] [output (/tmp/probe-instant.log)] [node pid file (/tmp/tm-bench-data/node.pid)]
#
# Start it a few seconds after run-matching.sh (it waits for /ready).
set -uo pipefail
PORT=${1:-18080}
OUT=${2:-/tmp/probe-instant.log}
PIDFILE=${3:-/tmp/tm-bench-data/node.pid}

token() {
  curl -s -m 30 -X POST "localhost:$PORT/v1/dev/tokens" -H 'Content-Type: application/json' \
    -d "{\"sub\":\"$1\",\"role\":\"$2\"}" | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])'
}

until curl -s -m 2 "localhost:$PORT/ready" | grep -q READY; do sleep 2; done
NODE=$(cat "$PIDFILE")
ID=probe-$RANDOM
S=$(token "$ID" student)
curl -s -m 30 -o /dev/null -X PUT "localhost:$PORT/v1/students/$ID" -H "Authorization: Bearer $S" \
  -H 'Content-Type: application/json' \
  -d '{"displayName":"Probe","level":"high","languages":["en"],"timezone":"Europe/Paris"}'
: > "$OUT"
while kill -0 "$NODE" 2>/dev/null; do
  t0=$(date +%s%3N)
  reply=$(curl -s -m 30 -w '\n%{http_code}' -X POST "localhost:$PORT/v1/instant-requests" -H "Authorization: Bearer $S" \
    -H 'Content-Type: application/json' \
    -d '{"subject":"history","level":"high","language":"de","maxRateCents":6000,"durationMinutes":15}')
  t1=$(date +%s%3N)
  code=$(echo "$reply" | tail -1)
  echo "$t0 $code $((t1 - t0))" >> "$OUT"
  if [ "$code" = 202 ]; then
    sid=$(echo "$reply" | head -1 | python3 -c 'import sys,json; print(json.load(sys.stdin)["sessionId"])')
    curl -s -m 30 -o /dev/null -X POST "localhost:$PORT/v1/sessions/$sid/cancel" -H "Authorization: Bearer $S"
  fi
  sleep 1
done
