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
# The samples end with two malformed lines on purpose: scan reports them as
# error records and exits with 1 ("some records were malformed"), which is the
# expected outcome of this demo.
status=0
build/release/moderato scan data/samples/posts.jsonl || status=$?
if [[ $status -ne 0 && $status -ne 1 ]]; then exit "$status"; fi
echo
echo "Done. The two error records above come from the deliberately malformed last lines."
