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
suite() { pnpm exec vitest run --project "$1" --reporter=default --reporter=json --outputFile="test-artifacts/$1.json"; }
step unit;        suite unit
step integration; suite int
step end-to-end;  suite e2e
# docker/ is built with podman and its filesystem answers /healthz; podman is optional (not in setup.sh).
step "docker image"
if command -v podman >/dev/null; then test/docker/verify-image.sh
else echo "docker image check skipped: podman is not installed (apt-get install podman mmdebstrap to run it)"; fi
echo
# One closing line over all three suites, in the plain form CI summaries read.
node -e '
  const fs = require("fs");
  const runs = ["unit", "int", "e2e"].map((p) => JSON.parse(fs.readFileSync(`test-artifacts/${p}.json`, "utf8")));
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
  console.log(`${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed`);
'
