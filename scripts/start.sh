#!/usr/bin/env bash
# Starts Roomcast with the demo on http://localhost:3000 (dev defaults, no outside service).
# Installs whatever is missing first (scripts/setup.sh is quick when nothing is).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
exec node apps/server/dist/main.js
