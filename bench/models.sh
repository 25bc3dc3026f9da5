#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): model scenarios with TFLM on QEMU mps2-an386.
#  - TFLM library build time, reference and CMSIS-NN (cold with --cold-libraries: a fresh cache, minutes each;
#    otherwise the time recorded when the cached library was built)
#  - firmware rebuild time after changing only the model (hello_world int8 -> float)
#  - person_detect: instructions and cycles per inference, reference vs CMSIS-NN, the speed-up, and the
#    wall time of the emulated run
# Usage: bench/models.sh [--cold-libraries]   (needs a TFLM checkout: HARNESS_TFLM or the settings file; ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=$(cd .. && pwd)/shared
[ -d "$shared/models" ] || { echo "../shared/models is missing"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build harness/Harness.Cli/Harness.Cli.csproj -c Release -o "$work/harness" -v quiet -nologo >/dev/null
harness="$work/harness/harness"
if [ "${1:-}" = "--cold-libraries" ]; then export HARNESS_CACHE="$work/cache"; fi
cache=${HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harness}

scenario() { # name model kernels input
  cat > "$work/$1.yaml" <<YAML
name: $1
boards: [mps2-an386]
model: $shared/models/$2
kernels: $3
arena: 100KiB
inputs:
  - $4
timeout: 1800s
YAML
  echo "$work/$1.yaml"
}
"$harness" run "$(scenario person-reference person_detect.tflite reference "bmp: $shared/testdata/person.bmp")" --out "$work/r" >/dev/null 2>&1 || true
"$harness" run "$(scenario person-cmsis person_detect.tflite cmsis-nn "bmp: $shared/testdata/person.bmp")" --out "$work/r" >/dev/null 2>&1 || true
"$harness" run "$(scenario hello-int8 hello_world_int8.tflite reference "values: [1.0]")" --out "$work/r" >/dev/null 2>&1 || true
"$harness" run "$(scenario hello-float hello_world_float.tflite reference "values: [1.0]")" --out "$work/r" >/dev/null 2>&1 || true

python3 - "$work/r" "$cache" <<'PY'
import glob, json, os, sys
results, cache = sys.argv[1], sys.argv[2]
def board(name):
    return json.load(open(os.path.join(results, name + ".json")))["boards"][0]
for kernels in ("reference", "cmsis_nn"):
    for record in glob.glob(os.path.join(cache, "tflm", "*", f"cortex_m_generic-cortex-m4+fp-{kernels}-*", "harness-library.txt")):
        seconds = next(l.split()[1] for l in open(record) if l.startswith("seconds"))
        print(f"TFLM library build (cortex-m4+fp, {kernels}): {float(seconds):.0f} s   [{os.path.dirname(record)}]")
float_build = board("hello-float")["figures"]["build_seconds"]
print(f"firmware rebuild after changing only the model (hello_world int8 -> float): {float_build:.1f} s")
ref, cmsis = board("person-reference"), board("person-cmsis")
for name, b in (("reference", ref), ("CMSIS-NN", cmsis)):
    f = b["figures"]
    print(f"person_detect, {name:9} kernels: {f.get('instructions', 0):>12,} instructions, {f.get('cycles', 0):>12,} cycles ({f.get('counter_source')}), "
          f"emulated Invoke {(b.get('model') or {}).get('invoke_wall_seconds', 0):.2f} s wall, outcome {b['outcome']}")
if ref["figures"].get("instructions") and cmsis["figures"].get("instructions"):
    print(f"CMSIS-NN speed-up on person_detect: {ref['figures']['instructions'] / cmsis['figures']['instructions']:.1f}x fewer instructions")
PY
