#!/usr/bin/env bash
# The run command: set up, build (which trains the shipped classifier), scan
# the shipped sample posts (one JSON line per post and a summary), import the
# shipped sample hash list into a demo bank and match images against it, then
# load the starter counter-narrative library, suggest answers to a message,
# trigger a demo redirect campaign and print the trends / coverage-gap report.
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
echo "(The two error records above come from the deliberately malformed last lines.)"

# Known-content matching on a fresh demo database: a bank, the shipped sample
# hash list, and a rotated copy of a known image found through its variants.
DB=build/release/demo.db
rm -f "$DB" "$DB-wal" "$DB-shm"
VECTORS=../shared/data/pdq-vectors/images
echo
echo "== moderato bank create demo-known-content; bank import data/samples/known-content.pytx"
build/release/moderato bank create demo-known-content --db "$DB" \
  --description "demo: hashes of public test images standing in for known content"
build/release/moderato bank import demo-known-content data/samples/known-content.pytx --db "$DB"
echo
echo "== moderato hash $VECTORS/reg-test-input/dih/bridge-2-rotate-90.jpg"
build/release/moderato hash "$VECTORS/reg-test-input/dih/bridge-2-rotate-90.jpg"
echo
echo "== moderato match (the rotated bridge is found through its dihedral variants)"
build/release/moderato match --db "$DB" "$VECTORS/reg-test-input/dih/bridge-2-rotate-90.jpg" \
  "$VECTORS/reg-test-input/labelme-subset/q0291.jpg"

# Counter-narratives: the shipped starter library (placeholders written by the
# project, data/counter/README.md) and a suggestion with its explanation.
echo
echo "== moderato counter import data/counter/starter.jsonl --keep-status"
build/release/moderato counter import data/counter/starter.jsonl --keep-status --db "$DB"
echo
echo "== moderato counter suggest -k 3 (answers to a message, with explanations)"
build/release/moderato counter suggest -k 3 --db "$DB" \
  "Someone online keeps saying the attackers were heroes and martyrs. Is that true?"

# Redirect campaigns (demo campaigns triggered by organisation names from the
# starter lexicon) and the trends / coverage-gap report on the scan above.
echo
echo "== moderato redirect campaigns import data/counter/campaigns.json"
build/release/moderato redirect campaigns import data/counter/campaigns.json --db "$DB"
echo
echo "== moderato redirect \"where to watch d a e s h videos\" (obfuscated, still triggers)"
build/release/moderato redirect --db "$DB" "where to watch d a e s h videos"
echo
echo "== moderato trends (themes in the sample scan next to the library's coverage)"
build/release/moderato scan data/samples/posts.jsonl 2>/dev/null >build/release/demo-scan.jsonl || true
build/release/moderato trends --db "$DB" build/release/demo-scan.jsonl
echo
echo "Done."
