#!/usr/bin/env bash
# Sets up what a fresh Debian machine lacks, builds the harness, checks the tools and runs the
# bundled examples in one invocation (one set of reports in results/): the diagnostic firmware on
# three emulated boards, and, where a TFLM checkout is configured, the harness's own example model.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh
dotnet build harness/Harness.Cli/Harness.Cli.csproj -c Release -o out/harness -v quiet -nologo
doctor=$(out/harness/harness doctor || true)
echo "$doctor"
scenarios=(scenarios/diag.yaml)
if grep -q "TensorFlow Lite Micro: .*found" <<<"$doctor"; then
  out/harness/harness example-model out/example-model.tflite
  scenarios+=(scenarios/example-model.yaml)
else
  echo "(the model example needs a TensorFlow Lite Micro checkout: --tflm, HARNESS_TFLM or 'tflm:' in ~/.config/harness/config.yaml; see README. Running the diagnostic example only.)"
fi
out/harness/harness run "${scenarios[@]}" --out results "$@"
