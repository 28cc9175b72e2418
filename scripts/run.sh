#!/usr/bin/env bash
# The run command: set up, build (which trains the shipped classifier), scan
# the shipped sample posts (one JSON line per post and a summary), import the
# shipped sample hash list into a demo bank and match images against it, then
# load the starter counter-narrative library, suggest answers to a message,
# trigger a demo redirect campaign and print the trends / coverage-gap report;
# finally start the HTTP server on the demo database and call it with curl.
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

# The HTTP API: an organisation and an admin key on the demo database, the
# server on a free loopback port, and a short scripted session with curl.
echo
echo "== moderato serve (HTTP API) on the demo database"
build/release/moderato org create demo --db "$DB" >/dev/null
KEY=$(build/release/moderato key create --org demo --role admin --label run.sh --db "$DB")
LOG=build/release/demo-serve.log
# The example configuration holds every key at its default; the flags win.
build/release/moderato serve --config data/server/moderato.toml --db "$DB" \
  --listen "127.0.0.1:${MODERATO_DEMO_PORT:-0}" 2>"$LOG" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
URL=""
for _ in $(seq 1 100); do
  URL=$(sed -n 's/.*serving on \(http[^ ]*\).*/\1/p' "$LOG" | head -1)
  [[ -n $URL ]] && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.2
done
[[ -n $URL ]] || { echo "the server did not start" >&2; cat "$LOG" >&2; exit 1; }
echo "address: $URL"
echo "demo API key (organisation demo, role admin): $KEY"
api() { curl -sS -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' "$@"; echo; }
echo
echo "-- GET /healthz"
curl -sS "$URL/healthz"; echo
echo "-- POST /v1/scan (stateless: evidence and verdict, nothing stored)"
api -d '{"text": "where to watch d a e s h videos"}' "$URL/v1/scan"
# A hash from the shipped sample list stands in for a re-upload of known content.
PDQ=$(grep -m1 '^pdq ' data/samples/known-content.pytx | cut -d' ' -f2)
echo "-- POST /v1/items (a moderation submission: stored, policy applied)"
api -d "{\"external_id\": \"demo-1\", \"text\": \"holiday photo\", \"pdq\": \"$PDQ\"}" "$URL/v1/items"
DEMO2=$(api -d '{"external_id": "demo-2", "text": "where to watch d a e s h videos"}' "$URL/v1/items")
echo "$DEMO2"
echo "-- GET /v1/cases?status=open (the review queue)"
api "$URL/v1/cases?status=open"
CASE=$(sed -n 's/.*"case_id":\([0-9]*\).*/\1/p' <<<"$DEMO2")
if [[ -n $CASE ]]; then
  echo "-- POST /v1/cases/$CASE/claim, then /decision (a reviewer's final decision, audited)"
  api -X POST "$URL/v1/cases/$CASE/claim" >/dev/null
  api -d '{"decision": "remove", "policy": "demo-tos-3", "reason": "names a designated group"}' \
    "$URL/v1/cases/$CASE/decision"
fi
echo "-- POST /v1/hash (an image, base64: PDQ, MD5, SHA-256, and bank matches)"
IMAGE="$VECTORS/reg-test-input/dih/bridge-2-rotate-90.jpg"
printf '{"match": true, "image_base64": "%s"}' "$(base64 -w0 "$IMAGE")" >build/release/demo-hash.json
api --data-binary @build/release/demo-hash.json "$URL/v1/hash"
echo "-- POST /v1/counter/suggest (approved counter-narratives, with explanations; first 600 bytes)"
OUT=$(api -d '{"text": "why do young people join armed groups", "k": 2}' "$URL/v1/counter/suggest")
echo "${OUT:0:600} ..."
echo "-- GET /v1/redirect?q=... (the campaign to show, with signed click links; first 600 bytes)"
OUT=$(api -G --data-urlencode "q=where to watch d a e s h videos" "$URL/v1/redirect")
echo "${OUT:0:600} ..."
echo "-- GET /v1/audit/verify"
api "$URL/v1/audit/verify"
kill -TERM "$SERVER"
wait "$SERVER" || true
trap - EXIT

echo
echo "Done."
