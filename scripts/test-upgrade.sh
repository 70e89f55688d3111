#!/usr/bin/env bash
# `make test-upgrade`: an upgrade with no downtime, tested against the release before this one
# (docs/MIGRATIONS.md). The previous release is main as it stood before this checkout's newest
# migrations came: the newest commit along main's first parents whose migrations are a strict
# beginning of this checkout's (HEAD when a new one is not committed yet), so it moves on as
# migrations land. Its
# `extranet` is built from `git archive` into a target directory of its own,
# $CARGO_TARGET_DIR/upgrade-base/<commit>/ (seeded from this checkout's compiled dependencies,
# kept for the next run); then the upgrade test runs on PostgreSQL with EXTRANET_PREVIOUS_BINARY
# naming it. Needs the history: a shallow clone, or no git at all, fails and says why.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() {
  echo "test-upgrade: $*" >&2
  exit 1
}
command -v git >/dev/null || fail "git is not installed: the previous release is built from the history"
git rev-parse --git-dir >/dev/null 2>&1 || fail "not a git clone: the previous release is built from the history"
[ "$(git rev-parse --is-shallow-repository)" = false ] ||
  fail "a shallow clone: the previous release is built from the history; run 'git fetch --unshallow' first"
target=${CARGO_TARGET_DIR:-target}
target=$(mkdir -p "$target" && cd "$target" && pwd)
pg=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}

here=$(find persistence/migrations/postgres -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
[ -n "$here" ] || fail "no migration under persistence/migrations/postgres"
newest=$(echo "$here" | tail -1)
# The previous release: the newest commit along main's first parents whose migrations are a
# strict beginning of this checkout's — every one of them here, under the same name, and this
# checkout with more. A commit whose migrations were renamed or dropped before they landed is
# no release anyone runs, and is passed over. (HEAD itself when a new migration is not
# committed yet.)
previous=
for commit in $(git rev-list --first-parent --max-count=500 HEAD); do
  theirs=$(git ls-tree -d --name-only "$commit" persistence/migrations/postgres/ | sed 's|.*/||' | sort)
  [ -n "$theirs" ] || break
  if [ -z "$(comm -13 <(echo "$here") <(echo "$theirs"))" ] && [ "$theirs" != "$here" ]; then
    previous=$commit
    break
  fi
done
[ -n "$previous" ] ||
  fail "no earlier commit on main has a strict beginning of these migrations: the history is cut, or none came before; fetch it whole"
short=$(git rev-parse --short "$previous")
base="$target/upgrade-base/$short"
bin="$base/extranet"
echo "== the previous release: $short ($(git log -1 --format=%s "$previous" | cut -c1-100)), before $newest"
if [ ! -x "$bin" ]; then
  rm -rf "$base"
  mkdir -p "$base/src" "$base/target/debug"
  git archive "$previous" | tar -x -C "$base/src"
  # The dependencies as this checkout compiled them (same Cargo.lock, same flags: reused); the
  # workspace's own crates are compiled again from the previous release's sources.
  seeded=0
  if [ -d "$target/debug/deps" ]; then
    begin=$(date +%s)
    cp -a "$target/debug/deps" "$target/debug/build" "$target/debug/.fingerprint" "$base/target/debug/"
    seeded=$(($(date +%s) - begin))
  fi
  begin=$(date +%s)
  (cd "$base/src" && CARGO_TARGET_DIR="$base/target" cargo build -p api --bin extranet)
  echo "== built the previous release's extranet in $(($(date +%s) - begin)) s (seeding its target directory: ${seeded} s)"
  # Only the binary is kept (the next run with the same previous release reuses it).
  mv "$base/target/debug/extranet" "$bin"
  rm -rf "$base/src" "$base/target"
fi
cargo build -p api --bin extranet
(exec 3<>"/dev/tcp/${PG_HOST:-127.0.0.1}/${PG_PORT:-5432}") 2>/dev/null ||
  fail "PostgreSQL is not reachable at ${PG_HOST:-127.0.0.1}:${PG_PORT:-5432} (TEST_POSTGRES_URL=$pg): the upgrade runs on it"
test -x /usr/sbin/haproxy || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y haproxy; }
EXTRANET_PREVIOUS_BINARY="$bin" TEST_POSTGRES_URL="$pg" \
  cargo test --workspace --test api -- operations::upgrade:: --nocapture 2>&1 | tee "$target/upgrade.log"
# The test says it was skipped when it did not run: it must have run here.
grep -q "balancer figures: upgrade" "$target/upgrade.log" || fail "the upgrade test did not run (see above)"
