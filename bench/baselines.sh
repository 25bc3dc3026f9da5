#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): what the regression gate adds to a run. A real suite
# (person_detect with CMSIS-NN and the diag app on three QEMU boards) is recorded as baselines and
# run again; then reading the baselines and comparing 100 board runs with them is timed in process.
# Usage: bench/baselines.sh [board runs] [repetitions]   (default 100 30)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build harness/Harness.Cli/Harness.Cli.csproj -c Release -o "$work/harness" -v quiet -nologo >/dev/null
dotnet build bench/BaselineBench/BaselineBench.csproj -c Release -o "$work/bench" -v quiet -nologo >/dev/null
harness="$work/harness/harness"
shared="${HARNESS_SHARED:-$(pwd)/../shared}"
cat > "$work/diag.yaml" <<YAML
name: bench-diag
boards: [stm32f4, mps2-an386, microbit]
firmware: diag
diag: { upload: 1KiB, workload: 10000 }
YAML
suite=("$work/diag.yaml")
if [ -f "$shared/models/person_detect.tflite" ]; then
  cat > "$work/person.yaml" <<YAML
name: bench-person
boards: [mps2-an386]
model: $shared/models/person_detect.tflite
kernels: cmsis-nn
arena: 100KiB
inputs: [ { bmp: $shared/testdata/person.bmp } ]
timeout: 600s
YAML
  suite+=("$work/person.yaml")
fi
"$harness" baseline record "${suite[@]}" --baselines "$work/baselines" --out "$work/recorded" >/dev/null 2>&1 || true
"$harness" run "${suite[@]}" --baselines "$work/baselines" --out "$work/results" >/dev/null 2>&1 || true
"$work/bench/BaselineBench" "$work/results" "$work/baselines" "${1:-100}" "${2:-30}"
