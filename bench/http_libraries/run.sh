#!/usr/bin/env bash
# HTTP library bake-off: builds each echo server into a temp dir (not part of
# CMake), runs wrk (POST, 64 conns) and the 1000-idle-connection test, twice each.
# Loopback only.  Usage: bench/http_libraries/run.sh [DURATION=10s] [REPEATS=2]
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
DUR="${1:-10s}"; REPS="${2:-2}"
T="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT INT TERM

echo "building into $T ..."
g++ -O2 -std=c++20 "$HERE/beast_echo.cc" -o "$T/beast_echo" -pthread || exit 1
g++ -O2 -std=c++20 "$HERE/httplib_echo.cc" -o "$T/httplib_echo" -pthread -lcpp-httplib || exit 1
if [ -f "$HERE/restinio_echo.cc" ] && [ -f /usr/include/restinio/all.hpp ]; then
  g++ -O2 -std=c++20 "$HERE/restinio_echo.cc" -o "$T/restinio_echo" -pthread -lfmt -lhttp_parser 2>/dev/null || true
fi

# name|command (port appended)
CASES=(
  "beast (2 threads)|$T/beast_echo PORT 2"
  "httplib default pool (8)|$T/httplib_echo PORT 0"
  "httplib pool 64|$T/httplib_echo PORT 64"
  "httplib pool 1100|$T/httplib_echo PORT 1100"
)
[ -x "$T/restinio_echo" ] && CASES+=("restinio (2 threads)|$T/restinio_echo PORT 2")

ulimit -n 20000 2>/dev/null || true
PORT=18090
ROWS=()
for c in "${CASES[@]}"; do
  name="${c%%|*}"; cmd="${c#*|}"
  for r in $(seq 1 "$REPS"); do
    PORT=$((PORT+1))
    ${cmd/PORT/$PORT} >/dev/null 2>&1 &
    pid=$!; PIDS+=("$pid")
    for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
    curl -s -X POST -H 'Content-Type: application/json' -d '{"a":1}' "http://127.0.0.1:$PORT/v1/echo" >/dev/null
    load="$(uptime | sed 's/.*load average: //')"
    out="$(wrk -t2 -c64 -d"$DUR" --latency -s "$HERE/post.lua" "http://127.0.0.1:$PORT/v1/echo" 2>&1)"
    rps="$(awk '/Requests\/sec/{print $2}' <<<"$out")"
    p50="$(awk '$1=="50%"{print $2}' <<<"$out")"
    p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
    errs="$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | paste -sd';' -)"
    idle="$(timeout 120 python3 "$HERE/idle_connections.py" "$PORT" 1000 20 2>&1 | tail -1)"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    row="$name | run $r | load $load | rps $rps | p50 $p50 | p99 $p99 | ${errs:-no errors} | idle: $idle"
    echo "$row"; ROWS+=("$row")
  done
done
echo
echo "=== summary ($(date -u), $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/  */ /g')) ==="
printf '%s\n' "${ROWS[@]}"
