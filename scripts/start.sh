#!/usr/bin/env bash
# Starts Roomcast with the demo on http://localhost:3000 (dev defaults, no outside service).
# Installs whatever is missing first (scripts/setup.sh is quick when nothing is).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
# A larger young generation: the compositor moves ~100 MB/s of raw video through short-lived
# buffers; fewer scavenges lowered its CPU in paired bench runs (see bench/README.md).
exec node --max-semi-space-size=64 apps/server/dist/main.js
