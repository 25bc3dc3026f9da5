#!/usr/bin/env bash
# Soak (prints figures, asserts nothing): N board runs (default 200) on QEMU across 2 workers, the diag firmware told at
# random to behave, fault, hang, overflow its stack or send junk, with emulators killed at random while they run.
# Prints wrong verdicts (a run judged other than its misbehaviour asks; a run whose emulator was killed must end
# failed or in error, never passed; a kill between runs must cost the next run nothing), emulators left behind, temporary files and listening sockets left, and the harness's peak
# resident memory after the first 50 board runs and at the end.
# Usage: bench/soak.sh [runs] [kill-every-seconds]   (defaults 200 and 7)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
kill_every=${2:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build harness/Harness.Cli/Harness.Cli.csproj -c Release -o "$work/harness" -v quiet -nologo >/dev/null
harness="$work/harness/harness"
mkdir -p "$work/scenarios" "$work/results"
python3 - "$work/scenarios" "$runs" <<'PY'
import random, sys
folder, runs = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261204)
boards = ["mps2-an386", "stm32f4", "microbit"]
for i in range(runs):
    board = rng.choice(boards)
    then = rng.choices(["none", "fault", "hang", "garbage", "overflow"], weights=[4, 2, 1, 2, 1])[0]
    if then == "overflow" and board == "microbit":
        then = "none"   # 2 KiB of stack at the top of 16 KiB: the recursion runs off RAM on the M0 (no guard can see that)
    extra = ", bursts: 20" if then == "garbage" else ""
    open(f"{folder}/soak-{i:03d}-{then}.yaml", "w").write(
        f"name: soak-{i:03d}-{then}\nboards: [{board}]\nfirmware: diag\n"
        f"diag: {{ upload: {rng.choice([64, 256, 1024])}B, workload: {rng.randint(1, 20000)}, then: {then}{extra} }}\ntimeout: {'3s' if then == 'hang' else '60s'}\n")
PY
tmp_before=$(ls /tmp | wc -l)
pgrep -x qemu-system-arm >/dev/null && { echo "soak: qemu-system-arm already running here; stop it first"; exit 2; }
start=$(date +%s)
"$harness" run "$work"/scenarios/*.yaml --jobs 2 --out "$work/results" >"$work/run.log" 2>&1 &
pid=$!
# The harness's resident memory, sampled with how many board runs have finished (one JSON per scenario).
( while kill -0 "$pid" 2>/dev/null; do
    echo "$(ls "$work/results" 2>/dev/null | grep -c '\.json$') $(awk '/VmRSS/{print $2}' /proc/$pid/status 2>/dev/null || echo 0)"
    sleep 0.5
  done ) >"$work/rss.txt" &
sampler=$!
# Emulator kills: every few seconds a running QEMU is killed (warm sessions serve many scenarios, so the run it
# ends is known from the reports: its summary says the emulator died).
( while kill -0 "$pid" 2>/dev/null; do
    sleep "$kill_every"
    victim=$(pgrep -x qemu-system-arm | shuf -n 1 || true)
    [ -n "$victim" ] || continue
    name=$(tr '\0' ' ' </proc/"$victim"/cmdline 2>/dev/null | grep -oE 'soak-[0-9]{3}-[a-z]+' | head -1 || true)
    kill -9 "$victim" 2>/dev/null && echo "${name:-unknown}"
  done ) >"$work/killed.txt" &
killer=$!
set +e
wait "$pid"
status=$?
set -e
kill "$killer" "$sampler" 2>/dev/null || true
wait 2>/dev/null || true
seconds=$(( $(date +%s) - start ))
sleep 1
orphans=$( (pgrep -x qemu-system-arm || true) | wc -l)
tmp_after=$(ls /tmp | wc -l)
python3 - "$work" "$runs" "$seconds" "$status" "$orphans" "$((tmp_after - tmp_before))" <<'PY'
import glob, json, os, sys
work, runs, seconds, status, orphans, tmp_left = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
killed = {l.strip() for l in open(f"{work}/killed.txt") if l.strip()}
results = {os.path.basename(p)[:-5]: json.load(open(p)) for p in glob.glob(f"{work}/results/soak-*.json")}
wrong, outcomes, by_kill = [], {}, 0
for name, result in sorted(results.items()):
    board = result["boards"][0]
    then = name.split("-")[-1]
    outcome = board["outcome"]
    outcomes[outcome] = outcomes.get(outcome, 0) + 1
    ended_by_kill = any(w in board["summary"] for w in ("exited", "killed", "signal"))
    by_kill += ended_by_kill
    if ended_by_kill:
        ok = outcome in ("failed", "error")   # a run whose emulator died is never passed
    elif then in ("none", "garbage"):
        ok = outcome == "passed"
    elif then == "overflow":
        ok = outcome == "failed" and board["summary"].startswith("stack overflow in")
    elif then == "fault":
        ok = outcome == "failed" and "Fault" in board["summary"]
    else:  # hang
        ok = outcome == "failed" and "timed out" in board["summary"]
    if not ok:
        wrong.append(f"{name}: {outcome}: {board['summary'][:160]}")
samples = [tuple(map(int, l.split())) for l in open(f"{work}/rss.txt") if len(l.split()) == 2]
def peak_until(count):
    values = [rss for done, rss in samples if done <= count]
    return max(values) if values else 0
at50 = peak_until(50)
final = max((rss for _, rss in samples), default=0)
print(f"soak: {len(results)} of {runs} board runs reported in {seconds} s (harness exit {status}), outcomes {outcomes}")
print(f"soak: emulators killed {len(killed)}, board runs ended by a dead emulator {by_kill}; wrong verdicts {len(wrong)}; emulators left behind {orphans}; /tmp entries left {tmp_left}")
print(f"soak: harness peak RSS {at50 / 1024:.0f} MiB by run 50, {final / 1024:.0f} MiB by run {len(results)}")
for line in wrong[:10]:
    print(f"  wrong: {line}")
PY
