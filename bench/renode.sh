#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): the Renode backend on stm32f4, against QEMU and raw Renode.
#  - Renode cold start to the firmware's first UART byte (raw `renode -e ...`, no harness)
#  - per-scenario wall time with a cold Renode (--cold) vs a warm worker (reset + next ELF)
#  - warm harness run ÷ the raw Renode run of the same ELF to the same point (its boot frame)
#  - upload throughput of 64 KiB on Renode vs QEMU by the path the harness chooses (its own timing of the upload;
#    bench/link.sh compares the paths)
#  - a 20-scenario suite with 1 vs 2 workers (--jobs)
# Usage: bench/renode.sh [runs]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
command -v "${HARNESS_RENODE:-renode}" >/dev/null || { echo "Renode not found (HARNESS_RENODE or PATH): nothing to measure"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build harness/Harness.Cli/Harness.Cli.csproj -c Release -o "$work/harness" -v quiet -nologo >/dev/null
harness="$work/harness/harness"

scenario() { # name emulator board upload
  cat > "$work/$1.yaml" <<YAML
name: $1
emulator: $2
boards: [$3]
firmware: diag
diag: { upload: $4, workload: 10000 }
timeout: 300s
YAML
  echo "$work/$1.yaml"
}
warm=(); cold=(); suite=()
for i in $(seq 0 "$runs"); do warm+=("$(scenario "warm-$i" renode stm32f4 1KiB)"); done
for i in $(seq 1 "$runs"); do cold+=("$(scenario "cold-$i" renode stm32f4 1KiB)"); done
for i in $(seq 1 20); do suite+=("$(scenario "suite-$i" renode "$([ $((i % 2)) = 0 ] && echo stm32f4 || echo nrf52840)" 1KiB)"); done
up_renode_small=$(scenario up-renode-small renode stm32f4 1KiB); up_renode_big=$(scenario up-renode-big renode stm32f4 64KiB)
up_qemu_small=$(scenario up-qemu-small qemu stm32f4 1KiB); up_qemu_big=$(scenario up-qemu-big qemu stm32f4 64KiB)

# Build every firmware once first, so no figure below includes a compile.
"$harness" run "${warm[0]}" "$up_qemu_small" "${suite[0]}" --out "$work/prime" >/dev/null 2>&1 || true
"$harness" run "${warm[@]}" --out "$work/warm" >/dev/null 2>&1 || { echo "warm runs failed; see $work/warm"; exit 1; }
"$harness" run "${cold[@]}" --cold --out "$work/cold" >/dev/null 2>&1 || { echo "cold runs failed"; exit 1; }
"$harness" run "$up_renode_small" "$up_renode_big" --out "$work/up-renode" >/dev/null 2>&1
"$harness" run "$up_qemu_small" "$up_qemu_big" --out "$work/up-qemu" >/dev/null 2>&1
t0=$(date +%s.%N); "$harness" run "${suite[@]}" --jobs 1 --out "$work/suite1" >/dev/null 2>&1; t1=$(date +%s.%N)
"$harness" run "${suite[@]}" --jobs 2 --out "$work/suite2" >/dev/null 2>&1; t2=$(date +%s.%N)

elf=$(python3 -c "import json; print(json.load(open('$work/warm/warm-0.json'))['boards'][0]['firmware'])")
overlay="$PWD/platforms/renode/stm32f4.repl"
python3 - "$work" "$runs" "$elf" "$overlay" "$t0" "$t1" "$t2" "${HARNESS_RENODE:-renode}" <<'PY'
import json, os, socket, statistics, subprocess, sys, time
work, runs, elf, overlay, t0, t1, t2, renode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], *map(float, sys.argv[5:8]), sys.argv[8]
wall = lambda folder, name: json.load(open(os.path.join(work, folder, name + ".json")))["boards"][0]["figures"]["wall_seconds"]
warm = [wall("warm", f"warm-{i}") for i in range(1, runs + 1)]
cold = [wall("cold", f"cold-{i}") for i in range(1, runs + 1)]

def raw_renode():
    probe = socket.socket(); probe.bind(("127.0.0.1", 0)); port = probe.getsockname()[1]; probe.close()
    commands = ";".join([
        'mach create "raw"', "machine LoadPlatformDescription @platforms/boards/stm32f4_discovery-kit.repl",
        f"machine LoadPlatformDescription @{overlay}", "sysbus.cpu PerformanceInMips 168",
        "emulation SetGlobalAdvanceImmediately true", f'emulation CreateServerSocketTerminal {port} "t" false',
        "connector Connect sysbus.usart2 t", f"sysbus LoadELF @{elf}", "start"])
    start = time.perf_counter()
    process = subprocess.Popen([renode, "--console", "--plain", "--disable-xwt", "--hide-log", "-e", commands],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            conn = socket.create_connection(("127.0.0.1", port)); break
        except OSError:
            time.sleep(0.01)
    data = conn.recv(1); first = time.perf_counter() - start
    while data.count(b"\0") < 2:
        data += conn.recv(4096)
    boot = time.perf_counter() - start
    process.kill(); process.wait(); conn.close()
    return first, boot

raw = [raw_renode() for _ in range(runs)]
first_byte = statistics.median(r[0] for r in raw); raw_boot = statistics.median(r[1] for r in raw)
def upload(folder, prefix):
    return json.load(open(os.path.join(work, folder, f"{prefix}-big.json")))["boards"][0]["figures"]["upload"]
print(f"Renode stm32f4, diag app (1 KiB upload + 10000-iteration workload), {runs} runs each; medians (min-max)")
print(f"raw Renode cold start to first UART byte:        {first_byte:.2f} s")
print(f"raw Renode cold start to the boot frame:         {raw_boot:.2f} s")
print(f"harness run, cold Renode (--cold):               {statistics.median(cold):.2f} s  ({min(cold):.2f}-{max(cold):.2f})")
print(f"harness run, warm worker (reset + load ELF):     {statistics.median(warm):.2f} s  ({min(warm):.2f}-{max(warm):.2f})")
print(f"cold / warm:                                     {statistics.median(cold) / statistics.median(warm):.1f}x")
print(f"cold harness run / raw Renode to boot frame:     {statistics.median(cold) / raw_boot:.2f}x")
for name, folder in (("Renode", "up-renode"), ("QEMU", "up-qemu")):
    u = upload(folder, folder)
    print(f"upload 64 KiB, {name + ':':<7}                         {u['bytes_per_second'] / 1024:,.1f} KiB/s  ({u['path']})")
print(f"20-scenario suite (stm32f4 + nrf52840), 1 worker:  {t1 - t0:.1f} s")
print(f"20-scenario suite (stm32f4 + nrf52840), 2 workers: {t2 - t1:.1f} s  ({(t1 - t0) / (t2 - t1):.2f}x)")
PY
