# Sourced by start.sh and test.sh: environment that every Roomcast process needs.
# mediasoup 3.8.4 reads MEDIASOUP_WORKER_BIN at import: point it at Debian's worker.
if [ -z "${MEDIASOUP_WORKER_BIN:-}" ]; then
  MEDIASOUP_WORKER_BIN="$(dpkg -L mediasoup-worker 2>/dev/null | grep '/mediasoup-worker$' | head -n1 || true)"
  export MEDIASOUP_WORKER_BIN
fi
export TURBO_TELEMETRY_DISABLED=1
export TURBO_NO_UPDATE_NOTIFIER=1
export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
