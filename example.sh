#!/usr/bin/env bash
# Sets up what a fresh Debian machine lacks, builds the harness, checks the tools and runs the
# bundled example scenario (diagnostic firmware on three emulated boards).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh
dotnet build harness/Harness.Cli/Harness.Cli.csproj -c Release -o out/harness -v quiet -nologo
out/harness/harness doctor || true
out/harness/harness run scenarios/diag.yaml --out results "$@"
# A model scenario with the harness's own example model (needs a TFLM checkout: see README).
out/harness/harness example-model out/example-model.tflite
out/harness/harness run scenarios/example-model.yaml --out results \
  || echo "(the model example needs a TensorFlow Lite Micro checkout: --tflm, HARNESS_TFLM or 'tflm:' in ~/.config/harness/config.yaml; see README)"
