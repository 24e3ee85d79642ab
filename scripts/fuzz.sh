#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS]: builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan,
# in build-fuzz), replays every saved crash in tests/fuzz/regressions/<target>/, then fuzzes
# each target for SECONDS (default 25) from its seed corpus in tests/fuzz/corpus/<target>/.
# The seeds are only read: what a run finds goes to a scratch corpus under build-fuzz.
# A crash, a leak, a timeout or a sanitizer report fails the script and names the input
# (build-fuzz/artifacts/): save it to tests/fuzz/regressions/<target>/ with the fix.
# Prints executions per second and coverage per target. scripts/test.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${PARLEY_FUZZ_SECONDS:-25}}
cmake -S tests/fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-fuzz
mkdir -p build-fuzz/artifacts
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# max_len per target: the codec sees whole frames (max_frame_bytes is 64 KiB)
declare -A max_len=([fuzz_codec]=65536 [fuzz_url]=8192 [fuzz_token]=512 [fuzz_frame_batch]=4096 [fuzz_profile]=1024)
status=0
for target in fuzz_codec fuzz_url fuzz_token fuzz_frame_batch fuzz_profile; do
  bin=build-fuzz/$target
  regressions=(tests/fuzz/regressions/$target/*)
  if [ -e "${regressions[0]}" ]; then
    "$bin" -runs=1 "${regressions[@]}" >build-fuzz/$target.regressions.log 2>&1 ||
      { echo "FAIL $target: a saved regression crashes again (build-fuzz/$target.regressions.log)"; status=1; continue; }
  fi
  scratch=build-fuzz/corpus/$target
  mkdir -p "$scratch"
  log=build-fuzz/$target.log
  if "$bin" -max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/$target- \
       "$scratch" "tests/fuzz/corpus/$target" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    done_line=$(grep -E '^#[0-9]+.*DONE' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1 edges, \2 features/p' <<<"$done_line")
    eps=$(sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p' <<<"$done_line")
    echo "ok   $target: $runs runs in ${seconds} s ($eps exec/s), coverage $cov"
  else
    echo "FAIL $target: see $log; the input is in build-fuzz/artifacts/"
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5
    status=1
  fi
done
exit $status
