#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): the silicon estimate of MLPerf Tiny's two models on the STM32L4R5
# profile (NUCLEO-L4R5ZI, Cortex-M4F at 120 MHz: the part of MLPerf Tiny v0.5's reference submission), run on QEMU's
# mps2-an386 (a Cortex-M4F) with today's TFLM and CMSIS-NN, against the published latencies; and what counting the
# instruction mix costs (the emulated Invoke's and the board run's wall time, with and without it; medians).
# The published figures are a check, never constants: nothing in platforms/ is fitted to them.
# Usage: bench/silicon.sh [runs]   (needs a TFLM checkout: HARNESS_TFLM or the settings file; ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=$(cd .. && pwd)/shared
[ -d "$shared/models" ] || { echo "../shared/models is missing"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build harness/Harness.Cli/Harness.Cli.csproj -c Release -o "$work/harness" -v quiet -nologo >/dev/null
harness="$work/harness/harness"

# Latency does not depend on the input's values here (no data-dependent branches in these kernels): a fixed pattern.
python3 - "$work" <<'PY'
import sys
for name, size in (("kws", 49 * 10), ("vww", 96 * 96 * 3)):
    open(f"{sys.argv[1]}/{name}.raw", "wb").write(bytes((i * 37 + 11) % 256 for i in range(size)))
PY
scenario() { # name model
  cat > "$work/$1.yaml" <<YAML
name: $1
boards: [mps2-an386]
model: $shared/models/$2
kernels: cmsis-nn
silicon: stm32l4r5
arena: 200KiB
inputs:
  - raw: $work/$1.raw
timeout: 1800s
YAML
  echo "$work/$1.yaml"
}
kws=$(scenario kws mlperf_tiny_kws_ref_model.tflite)
vww=$(scenario vww mlperf_tiny_vww_96_int8.tflite)
# A first pass builds the firmware and the host's golden run, so the timed passes measure runs alone.
"$harness" run "$kws" "$vww" --out "$work/warm-up" >/dev/null 2>&1 || true
for i in $(seq "$runs"); do
  "$harness" run "$kws" "$vww" --out "$work/mix-$i" >/dev/null 2>&1 || true
  HARNESS_INSTRUCTION_MIX=off "$harness" run "$kws" "$vww" --out "$work/plain-$i" >/dev/null 2>&1 || true
done

python3 - "$work" "$runs" <<'PY'
import json, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
published_ms = {"kws": 181.9, "vww": 600.6}   # MLPerf Tiny v0.5, reference submission, NUCLEO-L4R5ZI, TFLM 2.3.1 + CMSIS-NN
def board(folder, name):
    return json.load(open(f"{work}/{folder}/{name}.json"))["boards"][0]
for name in ("kws", "vww"):
    b = board("mix-1", name)
    if b["outcome"] != "passed":
        print(f"{name}: {b['outcome']}: {b['summary']}"); continue
    f, e = b["figures"], b["figures"]["silicon_estimate"]
    instructions, cycles, core, flash = f["instructions"], e["cycles"], e["core_cycles"], e["flash_wait_cycles"]
    ms = e["milliseconds"]
    published_cycles = published_ms[name] * 120e3
    print(f"{name.upper()} ({b['model']['file'].split('/')[-1]}, CMSIS-NN, TFLM {b['model']['tflm_commit'][:7]}) as {e['profile']}:")
    print(f"  instructions (exact, QEMU)    {instructions:>14,}")
    print(f"  estimated cycles              {cycles['typical']:>14,.0f}  (range {cycles['low']:,.0f} – {cycles['high']:,.0f}); core {core['typical']:,.0f}, flash waits {flash['typical']:,.0f} (most {flash['high']:,.0f})")
    print(f"  estimated time                {ms['typical']:>14.2f} ms (range {ms['low']:.2f} – {ms['high']:.2f})")
    if e.get("microjoules"):
        print(f"  estimated energy              {e['microjoules']['typical']:>14.1f} µJ")
    print(f"  published (MLPerf Tiny v0.5)  {published_ms[name]:>14.1f} ms = {published_cycles:,.0f} cycles at 120 MHz")
    print(f"  published / estimate          {published_ms[name] / ms['typical']:>14.2f}  (published / most: {published_ms[name] / ms['high']:.2f})")
    cpi = core["typical"] / instructions
    print(f"  the gap, published cycles / instructions = {published_cycles / instructions:.2f}, in factors:")
    print(f"    CPI above 1 (the core's table)             × {cpi:.2f}")
    print(f"    flash wait states (typical … most)         × {(core['typical'] + flash['typical']) / core['typical']:.2f} … {(core['typical'] + flash['high']) / core['typical']:.2f}")
    print(f"    left unexplained (2020's TFLM 2.3.1 and CMSIS-NN vs today's; anything the model misses)  × {published_cycles / cycles['typical']:.2f} … {published_cycles / (core['typical'] + flash['high']):.2f}")
def median(folder, name, pick):
    values = []
    for i in range(1, runs + 1):
        try:
            values.append(pick(board(f"{folder}-{i}", name)))
        except (OSError, KeyError, TypeError):
            pass
    return statistics.median(values) if values else float("nan")
print(f"cost of counting the instruction mix (median of {runs} runs each):")
for name in ("kws", "vww"):
    for what, pick in (("emulated Invoke", lambda b: b["model"]["invoke_wall_seconds"]), ("board run", lambda b: b["figures"]["wall_seconds"])):
        with_mix, without = median("mix", name, pick), median("plain", name, pick)
        print(f"  {name} {what:15}: {with_mix:.3f} s with the mix, {without:.3f} s without ({with_mix / without:.2f}x)")
PY
