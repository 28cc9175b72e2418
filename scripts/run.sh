#!/usr/bin/env bash
# The run command: set up, build (which trains the shipped classifier), and
# scan the shipped sample posts, printing one JSON line per post and a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}

scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$JOBS" --target moderato_cli model

echo
echo "== moderato scan data/samples/posts.jsonl"
build/release/moderato scan data/samples/posts.jsonl
