#!/usr/bin/env bash
# Runs every test: lint, typecheck, unit, integration (real mediasoup + FFmpeg) and end-to-end
# (real Chromium + nginx-rtmp). Installs whatever is missing first.
# Heavy suites run one after another: this machine has 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
mkdir -p test-artifacts

step() { echo; echo "=== $* ==="; }
step lint;        pnpm run -s lint
step typecheck;   pnpm run -s typecheck
step unit;        pnpm exec vitest run --project unit
step integration; pnpm exec vitest run --project int
step end-to-end;  pnpm exec vitest run --project e2e
echo
echo "all test suites passed"
