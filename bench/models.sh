#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): model scenarios with TFLM on QEMU mps2-an386.
#  - TFLM library build time, reference and CMSIS-NN (cold with --cold-libraries: a fresh cache, minutes each;
#    otherwise the time recorded when the cached library was built)
#  - firmware rebuild time after changing only the model (hello_world int8 -> float), and for a 3 KB and a 4 MB model
#    (hello_world int8 with 16 B / 4,000,000 B of padding after its FlatBuffer, which TFLM ignores; the padding changed)
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
  local model=$2; [ "${model:0:1}" = / ] || model="$shared/models/$model"
  cat > "$work/$1.yaml" <<YAML
name: $1
boards: [mps2-an386]
model: $model
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
# The same model with padding after it (TFLM reads the FlatBuffer from its root and ignores what follows): each size built
# once, then again with other padding bytes — the second build is the model-only rebuild.
for size in 16 4000000; do
  for fill in 1 2; do
    python3 -c "import sys; open(sys.argv[3], 'wb').write(open(sys.argv[1], 'rb').read() + bytes([int(sys.argv[4])]) * int(sys.argv[2]))" \
      "$shared/models/hello_world_int8.tflite" "$size" "$work/padded-$size-$fill.tflite" "$fill"
    "$harness" run "$(scenario "padded-$size-$fill" "$work/padded-$size-$fill.tflite" reference "values: [1.0]")" --out "$work/r" >/dev/null 2>&1 || true
  done
done

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
for size in (16, 4000000):
    first, second = board(f"padded-{size}-1"), board(f"padded-{size}-2")
    model = os.path.getsize(os.path.join(os.path.dirname(results), f"padded-{size}-2.tflite"))
    print(f"firmware rebuild after changing only the model ({model:,} B model): {second['figures']['build_seconds']:.2f} s "
          f"(the build before it, another padding: {first['figures']['build_seconds']:.1f} s; outcome {second['outcome']})")
ref, cmsis = board("person-reference"), board("person-cmsis")
for name, b in (("reference", ref), ("CMSIS-NN", cmsis)):
    f = b["figures"]
    print(f"person_detect, {name:9} kernels: {f.get('instructions', 0):>12,} instructions, {f.get('cycles', 0):>12,} cycles ({f.get('counter_source')}), "
          f"emulated Invoke {(b.get('model') or {}).get('invoke_wall_seconds', 0):.2f} s wall, outcome {b['outcome']}")
if ref["figures"].get("instructions") and cmsis["figures"].get("instructions"):
    print(f"CMSIS-NN speed-up on person_detect: {ref['figures']['instructions'] / cmsis['figures']['instructions']:.1f}x fewer instructions")
PY
