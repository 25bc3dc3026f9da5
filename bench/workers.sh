#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): what a second worker buys for CPU-bound model scenarios on Renode.
#  - the host's own ceiling: a fixed CPU-bound job (no I/O) run once, then twice at the same time;
#    2 x t(one) / t(two at once) is the most any two workers can gain on this machine
#  - a suite of person_detect scenarios, reference kernels (about 96 M instructions per inference), on Renode
#    stm32f746 and nrf52840, with 1 and with 2 workers (--jobs): wall time, the ratio, and the ratio over the ceiling
#  - the CPU time of each (the harness and its emulators) and how many cores that kept busy: a ratio below the ceiling with
#    all cores busy means the CPU went to work a single worker does not do (a second emulator's start, above all)
#  - the emulator processes each started
# Usage: bench/workers.sh [scenarios]   (default 6; needs Renode, a TFLM checkout and ../shared)
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

suite=()
for i in $(seq 1 "$count"); do
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
  suite+=("$work/person-$i.yaml")
done
# Once untimed, so the firmware is built and cached before either timed run.
"$harness" run "${suite[0]}" --out "$work/warmup" >/dev/null 2>&1 || true
declare -A wall
for jobs in 1 2; do
  # bash's own timing: wall, and the CPU of the harness and every emulator it ran (user + sys)
  TIMEFORMAT='%R %U %S'
  { time "$harness" run "${suite[@]}" --jobs "$jobs" --out "$work/r$jobs" > "$work/log$jobs" 2>&1 || { echo "the suite failed with --jobs $jobs:"; tail -20 "$work/log$jobs"; exit 1; }; } 2> "$work/time$jobs"
  read -r wall[$jobs] user sys < "$work/time$jobs"
  printf '%s person_detect scenarios x 2 boards, %s worker(s): %.1f s, %.1f CPU-s (%.2f of %s cores busy)  (%s)\n' "$count" "$jobs" "${wall[$jobs]}" \
    "$(echo "$user + $sys" | bc)" "$(echo "($user + $sys) / ${wall[$jobs]}" | bc -l)" "$(nproc)" "$(grep -o 'Emulator processes started: [0-9]*' "$work/log$jobs")"
done
ratio=$(echo "${wall[1]} / ${wall[2]}" | bc -l)
printf '2 workers vs 1: %.2fx  (%.0f%% of the host ceiling %.2fx)\n' "$ratio" "$(echo "100 * $ratio / $ceiling" | bc -l)" "$ceiling"
