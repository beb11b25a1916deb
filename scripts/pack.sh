#!/usr/bin/env bash
# Builds the publishable packages and writes their tarballs to <out-dir> under stable names
# (roomcast-protocol.tgz, roomcast-client.tgz, roomcast-server-sdk.tgz), so examples and tests can
# depend on `file:<out-dir>/roomcast-client.tgz` whatever the version. Prints one path per line.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: scripts/pack.sh <out-dir>" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"
packages=(protocol client server-sdk)

for name in "${packages[@]}"; do
  if [ ! -f "$root/packages/$name/package.json" ]; then
    echo "pack.sh: packages/$name is missing" >&2
    exit 1
  fi
done

cd "$root"
filters=()
for name in "${packages[@]}"; do filters+=("--filter=@roomcast/$name"); done
# turbo builds the dependencies first (protocol before the two SDKs).
pnpm exec turbo run build "${filters[@]}" --output-logs=errors-only >&2

# pnpm pack (not npm pack) turns `workspace:*` into the version of the workspace package.
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
for name in "${packages[@]}"; do
  (cd "packages/$name" && pnpm pack --pack-destination "$staging" >/dev/null)
  tarball="$(ls "$staging"/roomcast-"$name"-*.tgz)"
  mv "$tarball" "$out/roomcast-$name.tgz"
  echo "$out/roomcast-$name.tgz"
done
