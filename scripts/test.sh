#!/usr/bin/env bash
# The test command: set up, build, and pass every test.
#   1. clang-format check
#   2. release build (warnings as errors): every test, then each benchmark once
#   3. debug build with ASan + UBSan: the unit tests
#   4. ThreadSanitizer build: every test
#   5. clang + libFuzzer build: a short run of every fuzzer on its corpus
# Environment: FUZZ_SECONDS (default 20) per fuzzer; JOBS (default: nproc).
# The last line counts the tests run by ctest in both builds plus the fuzzers.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
SECONDS=0

step() { printf '\n== %s (%ds)\n' "$*" "$SECONDS"; }

step "set-up"
scripts/setup.sh

step "clang-format check"
git ls-files -co --exclude-standard -- '*.cc' '*.h' | xargs -r clang-format --dry-run --Werror

step "release build"
cmake --preset release >/dev/null
cmake --build --preset release -j "$JOBS"

step "release tests"
ctest --preset release -j "$JOBS" | tee "$LOGS/release.txt"

step "benchmarks, once each (smoke test)"
for bench in build/release/*_bench; do
  [[ -x $bench ]] || continue
  echo "-- $bench"
  "$bench" --benchmark_min_time=0.01 >/dev/null
done

step "debug build with ASan + UBSan"
cmake --preset debug >/dev/null
cmake --build --preset debug -j "$JOBS"

step "debug tests (ASan + UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset debug -j "$JOBS" -LE slow | tee "$LOGS/debug.txt"

step "ThreadSanitizer build"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$JOBS"

step "ThreadSanitizer tests"
TSAN_OPTIONS=halt_on_error=1 ctest --preset tsan -j "$JOBS" -LE slow | tee "$LOGS/tsan.txt"

step "fuzzers (${FUZZ_SECONDS}s each)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$JOBS"
for fuzzer in build/fuzz/*_fuzzer; do
  [[ -x $fuzzer ]] || continue
  name=$(basename "$fuzzer")
  corpus=$(mktemp -d)
  if [[ -d fuzz/corpus/$name ]]; then cp -r "fuzz/corpus/$name/." "$corpus/"; fi
  echo "-- $name"
  dict=()
  if [[ -f fuzz/$name.dict ]]; then dict=(-dict="fuzz/$name.dict"); fi
  "$fuzzer" -max_total_time="$FUZZ_SECONDS" -print_final_stats=0 -close_fd_mask=3 \
    "${dict[@]}" "$corpus" 2>"$corpus.log" || { tail -50 "$corpus.log"; exit 1; }
  grep -E "^(#[0-9]+ +DONE|Done)" "$corpus.log" | tail -1 || true
  rm -rf "$corpus" "$corpus.log"
  fuzzers=$((${fuzzers:-0} + 1))
done

step "all passed"
ran=$(cat "$LOGS/release.txt" "$LOGS/debug.txt" "$LOGS/tsan.txt" | sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' |
  awk '{ s += $1 } END { print s + 0 }')
echo "tests: $((ran + ${fuzzers:-0})) passed, 0 failed"
