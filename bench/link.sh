#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): upload throughput over the link, per emulator, board and path, for the
# diag app. Each line reads `upload <emulator> <path>: N B/s` (board and window count after it), from the harness's own
# timing of the upload alone (figures.upload in the JSON report), the CRC-32 checked on the device.
#  - uart: acknowledged UPLOAD_CHUNKs over the emulated UART
#  - bulk: the emulator writes the board's RAM (QEMU's GDB stub, Renode's sysbus), the UART announces and checks each window
# Usage: bench/link.sh [size]   (default 1MiB; the UART path on QEMU takes about 100 s per MiB)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1MiB}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build harness/Harness.Cli/Harness.Cli.csproj -c Release -o "$work/harness" -v quiet -nologo >/dev/null
harness="$work/harness/harness"

files=()
scenario() { # emulator board path
  local name="$1-$2-$3"
  cat > "$work/$name.yaml" <<YAML
name: $name
emulator: $1
boards: [$2]
firmware: diag
diag: { upload: $size, workload: 1000, via: $3 }
timeout: 900s
YAML
  files+=("$work/$name.yaml")
}
for board in stm32f4 mps2-an386 microbit; do scenario qemu "$board" bulk; done
scenario qemu stm32f4 uart
if command -v "${HARNESS_RENODE:-renode}" >/dev/null; then
  for board in stm32f4 nrf52840 stm32f746 stm32f103; do scenario renode "$board" bulk; done
  scenario renode stm32f4 uart
else
  echo "(Renode not found: HARNESS_RENODE or PATH; QEMU only)"
fi
"$harness" run "${files[@]}" --out "$work/results" >/dev/null 2>&1 || { echo "harness run failed"; cat "$work/results/summary.md" 2>/dev/null; exit 1; }

python3 - "$work/results" "${files[@]}" <<'PY'
import json, os, sys
results = sys.argv[1]
for path in sys.argv[2:]:
    name = os.path.splitext(os.path.basename(path))[0]
    emulator, board, via = name.split("-", 1)[0], name.split("-", 1)[1].rsplit("-", 1)[0], name.rsplit("-", 1)[1]
    report = json.load(open(os.path.join(results, name + ".json")))["boards"][0]
    upload = report["figures"]["upload"]
    check = next(c for c in report["checks"] if c["name"] == "upload checksum")
    print(f"upload {emulator} {via}: {upload['bytes_per_second']:,.0f} B/s  ({board}, {upload['bytes']:,} B in {upload['seconds']:.3f} s, "
          f"{upload['path']}, CRC {'checked' if check['passed'] else 'MISMATCH'})")
PY
