#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): what a second worker buys for CPU-bound model scenarios on Renode.
#  - the host's own ceiling: a fixed CPU-bound job (no I/O) run once, then twice at the same time;
#    2 x t(one) / t(two at once) is the most any two workers can gain on this machine
#  - suites of N and 3N person_detect scenarios, reference kernels (about 96 M instructions per inference), on Renode
#    stm32f746 and nrf52840, with 1 and with 2 workers (--jobs): wall time, the ratio, and the ratio over the ceiling
#  - per run: the 2N scenarios the bigger suite adds, 1 worker against 2, which leaves out the fixed cost of starting a
#    second emulator (about 9 CPU-s of Renode's start, JIT and platform load): what a long suite tends to
#  - the CPU time of each (the harness and its emulators) and how many cores that kept busy: a ratio below the ceiling with
#    all cores busy means the CPU went to work a single worker does not do (a second emulator's start, above all)
#  - the emulator processes each started
# Usage: bench/workers.sh [N]   (default 6; needs Renode, a TFLM checkout and ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-6}
shared=${HARNESS_SHARED:-$(cd .. && pwd)/shared}
[ -f "$shared/models/person_detect.tflite" ] || { echo "../shared/models/person_detect.tflite is missing (or set HARNESS_SHARED)"; exit 2; }
command -v "${HARNESS_RENODE:-renode}" >/dev/null || { echo "Renode not found (HARNESS_RENODE or PATH): nothing to measure"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build harness/Harness.Cli/Harness.Cli.csproj -c Release -o "$work/harness" -v quiet -nologo >/dev/null
harness="$work/harness/harness"

burn() { python3 -c 'n = 0
for i in range(40_000_000): n += i'; }
seconds() { local start=$(date +%s.%N); "$@"; echo "$(date +%s.%N) - $start" | bc; }
one=$(seconds burn)
two=$(seconds bash -c "$(declare -f burn); burn & burn; wait")
ceiling=$(echo "2 * $one / $two" | bc -l)
printf 'host ceiling: one CPU-bound job %.2f s, two at once %.2f s: %.2fx for 2 workers (nproc %s)\n' "$one" "$two" "$ceiling" "$(nproc)"

# Two suite sizes: the difference between them is what the scenarios themselves cost once every worker's emulator is up
# (the per-run ratio), apart from the fixed cost of starting a second emulator (the whole-suite ratio at each size).
for i in $(seq 1 $((3 * count))); do
  cat > "$work/person-$i.yaml" <<YAML
name: person-$i
emulator: renode
boards: [stm32f746, nrf52840]
model: $shared/models/person_detect.tflite
kernels: reference
arena: 100KiB
inputs:
  - bmp: $shared/testdata/person.bmp
timeout: 1800s
YAML
done
# Once untimed, so the firmware is built and cached before any timed run.
"$harness" run "$work/person-1.yaml" --out "$work/warmup" >/dev/null 2>&1 || true
declare -A wall cpu
for size in "$count" $((3 * count)); do
  suite=()
  for i in $(seq 1 "$size"); do suite+=("$work/person-$i.yaml"); done
  for jobs in 1 2; do
    # bash's own timing: wall, and the CPU of the harness and every emulator it ran (user + sys)
    TIMEFORMAT='%R %U %S'
    { time "$harness" run "${suite[@]}" --jobs "$jobs" --out "$work/r$size-$jobs" > "$work/log$size-$jobs" 2>&1 || { echo "the suite failed with --jobs $jobs:"; tail -20 "$work/log$size-$jobs"; exit 1; }; } 2> "$work/time$size-$jobs"
    read -r w user sys < "$work/time$size-$jobs"
    wall[$size-$jobs]=$w
    cpu[$size-$jobs]=$(echo "$user + $sys" | bc)
    printf '%s person_detect scenarios x 2 boards, %s worker(s): %.1f s, %.1f CPU-s (%.2f of %s cores busy)  (%s)\n' "$size" "$jobs" "$w" \
      "${cpu[$size-$jobs]}" "$(echo "${cpu[$size-$jobs]} / $w" | bc -l)" "$(nproc)" "$(grep -o 'Emulator processes started: [0-9]*' "$work/log$size-$jobs")"
  done
  ratio=$(echo "${wall[$size-1]} / ${wall[$size-2]}" | bc -l)
  printf '%s scenarios, whole suite: 2 workers vs 1: %.2fx  (%.0f%% of the host ceiling %.2fx)\n' "$size" "$ratio" "$(echo "100 * $ratio / $ceiling" | bc -l)" "$ceiling"
done
small=$count; big=$((3 * count))
per_run=$(echo "(${wall[$big-1]} - ${wall[$small-1]}) / (${wall[$big-2]} - ${wall[$small-2]})" | bc -l)
printf 'per run, the %s scenarios between the two sizes: 2 workers vs 1: %.2fx  (%.0f%% of the host ceiling); the second emulator costs %.1f CPU-s\n' \
  "$((big - small))" "$per_run" "$(echo "100 * $per_run / $ceiling" | bc -l)" "$(echo "${cpu[$small-2]} - ${cpu[$small-1]}" | bc -l)"
