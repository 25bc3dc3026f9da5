#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): how the harness stands up to kills and garbage.
#  - the device side of the link (firmware/link, plain C) under libFuzzer with AddressSanitizer and
#    UndefinedBehaviorSanitizer for a fixed time: inputs run, crashes, hangs
#  - the host side: 10,000 mutated frames through the link decoder; 1,200 mutated real models
#    through the reader and the inspector (the figures the tests print)
#  - kills: the harness killed by SIGINT, SIGTERM and SIGKILL mid-suite, emulators left behind
#  - soak: 200 board runs, 2 workers, faults, hangs, stack overflows, junk and emulator kills (bench/soak.sh)
# Usage: bench/reliability.sh [fuzz-seconds]   (default 60; needs clang and libclang-rt-14-dev from apt)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

clang=$(command -v clang-14 || command -v clang || true)
if [ -z "$clang" ] || ! echo 'int LLVMFuzzerTestOneInput(const char*d,long n){return 0;}' | "$clang" -x c -fsanitize=fuzzer - -o "$work/probe" 2>/dev/null; then
  echo "link fuzz: skipped (needs clang with libFuzzer: apt-get install clang-14 libclang-rt-14-dev)"
else
  "$clang" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Ifirmware/common -Ifirmware/link \
    bench/fuzz/link_fuzz.c firmware/link/link.c firmware/link/serve.c firmware/link/cobs.c firmware/link/crc32.c firmware/bsp/host/stack.c -o "$work/link_fuzz"
  mkdir -p "$work/corpus" "$work/artifacts"
  # Seeds: well-formed frames (HELLO, UPLOAD_BEGIN, two chunks, STATS, an unknown type), so the
  # fuzzer starts past the CRC and reaches the handlers.
  python3 - "$work/corpus" <<'PY'
import struct, sys, zlib
def cobs(data):
    out, block = bytearray(), bytearray()
    for b in data:
        if b == 0:
            out.append(len(block) + 1); out += block; block = bytearray()
        else:
            block.append(b)
            if len(block) == 254:
                out.append(255); out += block; block = bytearray()
    out.append(len(block) + 1); out += block
    return bytes(out)
def frame(kind, seq, body):
    payload = bytes([0, kind, seq]) + struct.pack("<H", len(body)) + body
    return b"\0" + cobs(payload + struct.pack("<I", zlib.crc32(payload))) + b"\0"
frames = [frame(1, 1, b""), frame(2, 2, b"\0" + struct.pack("<I", 300)), frame(3, 3, b"\0" + struct.pack("<I", 0) + bytes(range(200))),
          frame(3, 4, b"\0" + struct.pack("<I", 200) + bytes(100)), frame(5, 5, b""), frame(0x33, 6, b"?")]
for i, f in enumerate(frames):
    open(f"{sys.argv[1]}/seed{i}", "wb").write(f)
open(f"{sys.argv[1]}/session", "wb").write(b"boot text\n" + b"".join(frames))
PY
  set +e
  "$work/link_fuzz" "$work/corpus" -max_total_time="$seconds" -timeout=2 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" >"$work/fuzz.log" 2>&1
  status=$?
  set -e
  runs=$(grep -E "stat::number_of_executed_units" "$work/fuzz.log" | awk '{print $2}' | tail -1)
  crashes=$(find "$work/artifacts" -name 'crash-*' -o -name 'leak-*' -o -name 'oom-*' | wc -l)
  hangs=$(find "$work/artifacts" -name 'timeout-*' | wc -l)
  echo "link fuzz (device decoder, ${seconds} s, ASan+UBSan): ${runs:-0} inputs run, ${crashes} crashes, ${hangs} hangs (libFuzzer exit ${status})"
  [ "$crashes$hangs" = "00" ] || { grep -E "ERROR|SUMMARY" "$work/fuzz.log" | head -5; cp -r "$work/artifacts" ./fuzz-artifacts; echo "  inputs kept in ./fuzz-artifacts"; }
fi

log="$work/tests.log"
dotnet test tests/Harness.Tests --filter "FullyQualifiedName~Reliability|FullyQualifiedName~InterruptTests" \
  --logger "console;verbosity=detailed" >"$log" 2>&1 || true
# The detailed console logger prints a test's output twice: keep each line once.
grep -hE "^ *[0-9]+ cases: |mutated models: |mutated models on the board: " "$log" | sed -E 's/^ +//; s/^/host: /' | awk '!seen[$0]++'
grep -hE "^ *kill: " "$log" | sed -E 's/^ +//' | awk '!seen[$0]++'
grep -E "^\s+(Passed|Failed|Skipped) [A-Z]" "$log" | sed -E 's/^ +/tests: /'
# Soak: 200 board runs across 2 workers with misbehaviour and emulator kills mixed in (bench/soak.sh).
bench/soak.sh "${SOAK_RUNS:-200}"
