#!/usr/bin/env bash
# Prepares the better-auth peer for `make bench` and prints its directory: copied from
# ../shared/peers/better-auth to target/peer-better-auth (shared/ may be read-only) and
# `npm ci`-ed once (better-sqlite3 compiles from source when no prebuild answers, ~2 min).
# Prints nothing, and says why on stderr, when the peer or Node.js is not there: the bench
# then runs without it.
set -euo pipefail
cd "$(dirname "$0")/.."
src=../shared/peers/better-auth
dst=target/peer-better-auth
if [ ! -d "$src" ]; then echo "no peer at $src: measured without it" >&2; exit 0; fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "Node.js is not installed: the peer is not measured" >&2; exit 0
fi
if [ ! -d "$dst/node_modules/better-sqlite3" ]; then
  rm -rf "$dst" && mkdir -p target && cp -r "$src" "$dst"
  (cd "$dst" && npm ci --no-audit --no-fund >&2) || { echo "npm ci failed: the peer is not measured" >&2; exit 0; }
fi
echo "$dst"
