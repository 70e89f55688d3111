#!/usr/bin/env bash
# `make bench-ab BASE=<commit>`: the release build of BASE (built once in its own worktree and
# target directory, with its own load generator, since the generator seeds through its build's
# schema) and this checkout's, alternated on the same machine in one run: ROUNDS rounds of
# SQLite base, SQLite new, PostgreSQL base, PostgreSQL new (PostgreSQL when reachable), each
# `--soak 20` (two 10 s windows of single invitations). Compare within the run only.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${BASE:?"BASE=<commit> is required"}
rounds=${ROUNDS:-2}
pg=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
commit=$(git rev-parse --short "$base")
tree=target/bench-base/$commit
if [ ! -x "$tree/target/release/examples/load" ]; then
  rm -rf "$tree" && git worktree prune
  git worktree add --detach "$tree/src" "$commit" >/dev/null
  (cd "$tree/src" && CARGO_TARGET_DIR="$PWD/../target" cargo build --release -p api --bin extranet \
    && CARGO_TARGET_DIR="$PWD/../target" cargo build --release -p extranet-tests --example load)
fi
cargo build --release -p api --bin extranet
cargo build --release -p extranet-tests --example load
backends="sqlite"
if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then backends="sqlite postgres"; fi
for round in $(seq 1 "$rounds"); do
  for backend in $backends; do
    for which in base new; do
      if [ "$which" = base ]; then dir="$tree/target/release"; label=$commit; else dir=target/release; label=$(git rev-parse --short HEAD); fi
      extra=()
      if [ "$backend" = postgres ]; then extra=(--postgres "$pg"); fi
      echo "== round $round, $backend, $which ($label), load average $(cut -d' ' -f1-3 /proc/loadavg)"
      EXTRANET_BIN="$dir/extranet" "$dir/examples/load" --seed 10000 --seconds 10 --soak 20 "${extra[@]}" \
        | grep -E '^\| [0-9]'
    done
  done
done
