#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): the diag app on stm32f4 under QEMU.
#  - wall time of a cold harness run (QEMU started for it) and of warm runs (QEMU reset and reused)
#  - wall time of a raw qemu-system-arm run of the same ELF up to the firmware's boot frame
#  - upload throughput for 1 MiB by the path the harness chooses (bench/link.sh compares the paths)
# Usage: bench/diag.sh [runs]   (default 5 warm runs)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build harness/Harness.Cli/Harness.Cli.csproj -c Release -o "$work/harness" -v quiet -nologo >/dev/null
harness="$work/harness/harness"

scenario() { # name upload
  cat > "$work/$1.yaml" <<YAML
name: $1
boards: [stm32f4]
firmware: diag
diag: { upload: $2, workload: 10000 }
timeout: 300s
YAML
  echo "$work/$1.yaml"
}
files=()
for i in $(seq 0 "$runs"); do files+=("$(scenario "small-$i" 1KiB)"); done
files+=("$(scenario "big" 1MiB)")
"$harness" run "${files[@]}" --out "$work/results" >/dev/null 2>&1 || { echo "harness run failed; see $work/results"; exit 1; }

elf=$(python3 -c "import json,sys; print(json.load(open('$work/results/small-0.json'))['boards'][0]['firmware'])")
python3 - "$work/results" "$runs" "$elf" <<'PY'
import json, os, socket, statistics, subprocess, sys, time
results, runs, elf = sys.argv[1], int(sys.argv[2]), sys.argv[3]
wall = lambda name: json.load(open(os.path.join(results, name + ".json")))["boards"][0]["figures"]["wall_seconds"]
cold = wall("small-0")
warm = [wall(f"small-{i}") for i in range(1, runs + 1)]

def raw_boot():
    listener = socket.socket(); listener.bind(("127.0.0.1", 0)); listener.listen(1)
    port = listener.getsockname()[1]
    start = time.perf_counter()
    qemu = subprocess.Popen(["qemu-system-arm", "-machine", "netduinoplus2", "-nodefaults", "-display", "none",
                             "-monitor", "none", "-icount", "shift=0", "-kernel", elf,
                             "-chardev", f"socket,id=c,host=127.0.0.1,port={port},nodelay=on",
                             "-serial", "null", "-serial", "chardev:c"], stderr=subprocess.DEVNULL)
    conn, _ = listener.accept(); data = b""
    while data.count(b"\0") < 2:
        data += conn.recv(4096)
    elapsed = time.perf_counter() - start
    qemu.kill(); qemu.wait(); conn.close(); listener.close()
    return elapsed

raw = [raw_boot() for _ in range(runs)]
warm_median = statistics.median(warm)
print(f"board stm32f4 (QEMU netduinoplus2), diag app: 1 KiB upload + 10000-iteration workload, {runs} runs each")
print(f"harness cold run (QEMU start + whole scenario):  {cold:.3f} s")
print(f"harness warm run (reset + whole scenario):       median {warm_median:.3f} s  (min {min(warm):.3f}, max {max(warm):.3f})")
print(f"raw qemu-system-arm, same ELF, start to boot frame: median {statistics.median(raw):.3f} s  (min {min(raw):.3f}, max {max(raw):.3f})")
print(f"warm harness run / raw QEMU boot:                {warm_median / statistics.median(raw):.1f}x")
upload = json.load(open(os.path.join(results, "big.json")))["boards"][0]["figures"]["upload"]
print(f"upload 1 MiB by the harness's choice ({upload['path']}): {upload['bytes_per_second']:,.0f} B/s  (bench/link.sh: each path)")
PY
