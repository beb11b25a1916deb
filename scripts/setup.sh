#!/usr/bin/env bash
# Installs everything Roomcast needs on a fresh Debian 12 machine that reaches only the npm
# registry and Debian's archive. Idempotent: quick when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

log() { echo "[setup] $*"; }

# mediasoup 3.8.4's worker comes from Debian experimental, pinned at priority 1 so that
# nothing else is ever taken from that suite.
add_experimental_suite() {
  local list=/etc/apt/sources.list.d/roomcast-experimental.sources
  local pref=/etc/apt/preferences.d/roomcast-experimental
  if [ ! -f "$list" ]; then
    $SUDO tee "$list" >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: experimental
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  if [ ! -f "$pref" ]; then
    $SUDO tee "$pref" >/dev/null <<'PREF'
Package: *
Pin: release a=experimental
Pin-Priority: 1
PREF
  fi
}

system_packages_missing() {
  local pkg
  for pkg in mediasoup-worker ffmpeg chromium nginx-light libnginx-mod-rtmp libnginx-mod-stream openssl ca-certificates fonts-dejavu-core espeak-ng pocketsphinx-en-us xvfb redis-server pulseaudio; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || return 0
  done
  return 1
}

install_system_packages() {
  if ! system_packages_missing; then return; fi
  log "installing system packages (mediasoup-worker, ffmpeg, chromium, nginx + rtmp + stream, openssl)"
  add_experimental_suite
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  # pulseaudio: only bench:web-layout needs it (its page-audio baseline; skipped without it).
  $SUDO apt-get install -y -q --no-install-recommends ffmpeg chromium nginx-light libnginx-mod-rtmp libnginx-mod-stream openssl ca-certificates fonts-dejavu-core procps espeak-ng pocketsphinx-en-us xvfb redis-server pulseaudio
  $SUDO apt-get install -y -q --no-install-recommends -t experimental mediasoup-worker
  # The distribution's nginx service is not ours: tests start their own on loopback.
  $SUDO systemctl disable --now nginx >/dev/null 2>&1 || $SUDO service nginx stop >/dev/null 2>&1 || true
  # Likewise Redis: tests start their own redis-server on loopback; deployments point REDIS_URL at theirs.
  $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || $SUDO service redis-server stop >/dev/null 2>&1 || true
}

enable_pnpm() {
  local want
  want="$(node -p "require('./package.json').packageManager.split('@')[1]")"
  if command -v pnpm >/dev/null && [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then return; fi
  log "enabling pnpm $want"
  # corepack's signature check fails against this registry mirror unless the keys check is off.
  export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  if $SUDO corepack enable pnpm 2>/dev/null && [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then return; fi
  log "corepack could not provide pnpm; installing it with npm"
  $SUDO npm install -g --no-fund --no-audit "pnpm@$want" >/dev/null
}

install_dependencies() {
  local stamp=node_modules/.roomcast-install-stamp
  if [ -f "$stamp" ] && [ -z "$(find pnpm-lock.yaml pnpm-workspace.yaml package.json apps/*/package.json packages/*/package.json -newer "$stamp" 2>/dev/null)" ]; then
    return
  fi
  log "installing npm dependencies"
  pnpm install --frozen-lockfile
  touch "$stamp"
}

build() {
  log "building"
  TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 pnpm run -s build
}

install_system_packages
enable_pnpm
install_dependencies
build
log "ready"
